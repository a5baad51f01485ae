import { parseArgs } from 'node:util';
import { usageError, type AdminIO } from '../admin/commands.js';
import type { Reminders } from './context.js';
import { sendTime } from './context.js';
import { previewBetween } from './due.js';
import { isoDateSchema } from './schedule.js';

/** A preview longer than this is a typo more often than a wish. */
const MAX_DAYS = 3 * 366;

/**
 * `reminders preview --from <yyyy-mm-dd> --to <yyyy-mm-dd> [--unit <kind>] [--area <id>]`: the
 * reminders the data would send, one JSON line each, whoever subscribes.
 */
export async function previewCommand(r: Reminders, argv: string[], io: AdminIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, unit: { type: 'string' }, area: { type: 'string' } } }));
  } catch (err) {
    return usageError(io, (err as Error).message);
  }
  const from = isoDateSchema.safeParse(values.from);
  const to = isoDateSchema.safeParse(values.to);
  if (!from.success || !to.success) return usageError(io, '--from and --to must be dates YYYY-MM-DD');
  if (to.data < from.data) return usageError(io, '--to is before --from');
  if ((Date.parse(to.data) - Date.parse(from.data)) / 86_400_000 > MAX_DAYS) return usageError(io, `at most ${MAX_DAYS} days at once`);
  if (values.unit !== undefined && !r.units.has(values.unit)) return usageError(io, `--unit must be a unit kind from data/units.yaml: ${r.units.all.map((u) => u.id).join(', ')}`);
  if (values.area !== undefined && !r.app.areas.get(values.area)) return usageError(io, `--area must be an area id from data/areas.yaml (got ${values.area})`);
  const { hh, mm } = sendTime(r);
  const time = `T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+07:00`;
  for (const line of previewBetween(r.calendar, r.units, r.app.areas, from.data, to.data, { unit: values.unit, area: values.area }))
    io.out(JSON.stringify({ at: line.day + time, deadline: line.deadline, obligation: line.obligation, unit: line.unit, lead: line.lead }));
  return 0;
}
