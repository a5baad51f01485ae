import { parseArgs } from 'node:util';
import type { App, Capability } from '../app/app.js';
import { Provision } from '../app/provision.js';
import { OUTBOUND } from '../outbound/capability.js';
import { REMINDERS } from '../reminders/capability.js';
import { usageError, type AdminIO } from '../admin/commands.js';
import { campaignStatuses, reportCounts } from '../outbound/deliver.js';
import { STATUSES } from './campaigns.js';
import { registerBroadcastChat } from './chat.js';
import { registerBroadcastPages } from './console-pages.js';
import { Broadcasts, vnIso } from './service.js';
import { sendTimeInput } from './time-input.js';

/** The broadcasts of the app (tests drive their scheduler by hand). */
export const BROADCASTS = new Provision<Broadcasts>('broadcasts');

/** Organisers broadcast to their area: the chat flow, the schedule, delivery reports, operator commands. */
export const broadcast: Capability = {
  name: 'broadcast',
  provides: [BROADCASTS],
  // Messages name units and the Learning Week from the reminders' data, and leave through the outbound queue.
  needs: [REMINDERS, OUTBOUND],
  register(app) {
    const broadcasts = new Broadcasts(app);
    app.provide(BROADCASTS, broadcasts);
    app.registry.inputKind('send_time', sendTimeInput);
    registerBroadcastChat(app, broadcasts);
    registerBroadcastPages(app, broadcasts);
    app.onStart(() => broadcasts.start());
    app.onStop(() => broadcasts.stop());

    app.admin.add({
      name: 'broadcast report',
      usage: 'broadcast report <id> [--recipients]',
      run: (args, io) => reportCommand(app, broadcasts, args, io),
    });
    app.admin.add({
      name: 'broadcast list',
      usage: 'broadcast list [--status scheduled|sending|done|cancelled] [--limit 20]',
      run: (args, io) => listCommand(broadcasts, args, io),
    });

    app.privacy.add({
      name: 'broadcast',
      async describe(user, t) {
        const lines: string[] = [];
        const made = await broadcasts.store.list({ by: user, limit: 1000 });
        if (made.length) lines.push(t('broadcast.data_made', { count: made.length }));
        return lines;
      },
      // Nothing to erase here: the broadcasts an organiser made stay, as the record of what was sent in the
      // programme's name (the /mydata line says so); what a person received goes with the outbound records.
    });
  },
};

async function reportCommand(app: App, broadcasts: Broadcasts, argv: string[], io: AdminIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { recipients: { type: 'boolean', default: false } } });
  const id = positionals[0];
  if (!id || positionals.length > 1) return usageError(io, 'Usage: broadcast report <id> [--recipients]   (ids are listed by: broadcast list)');
  const report = await broadcasts.report(id);
  if (!report) return usageError(io, `No broadcast "${id}". The ids look like bc-20261001-a1b2c3; see: broadcast list`);
  const { campaign: c, stats } = report;
  io.out(
    JSON.stringify({
      id: c.id,
      by: c.by,
      createdAt: vnIso(c.createdAt),
      at: vnIso(c.at),
      status: c.status,
      ...(c.cancelReason ? { cancelReason: c.cancelReason } : {}),
      audience: c.audience,
      content: c.content,
      recipients: c.recipients ?? null,
      ...reportCounts(stats),
      ...(c.doneAt ? { doneAt: vnIso(c.doneAt) } : {}),
    }),
  );
  if (values.recipients) for await (const page of campaignStatuses(app, c.id)) for (const r of page) io.out(JSON.stringify(r));
  return 0;
}

async function listCommand(broadcasts: Broadcasts, argv: string[], io: AdminIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { status: { type: 'string' }, limit: { type: 'string', default: '20' } } });
  const status = values.status === undefined ? undefined : STATUSES.find((s) => s === values.status);
  if (values.status !== undefined && !status) return usageError(io, `--status must be one of ${STATUSES.join(', ')}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return usageError(io, '--limit must be a whole number from 1 to 1000');
  for (const c of await broadcasts.store.list({ status, limit }))
    io.out(JSON.stringify({ id: c.id, by: c.by, createdAt: vnIso(c.createdAt), at: vnIso(c.at), status: c.status, areas: c.audience.areas, recipients: c.recipients ?? null }));
  return 0;
}
