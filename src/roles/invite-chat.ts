import { z } from 'zod';
import type { App } from '../app/app.js';
import { FlowData } from '../engine/flow-data.js';
import type { Turn } from '../engine/turn.js';
import { inviteAbilities, type AbilityDeps, type InviteSpec } from './abilities.js';
import { grantableRoleSchema } from './roles.js';

/** How long a code made in the chat stays valid. */
const CHAT_INVITE_DAYS = 7;
const MAX_AREA_CHOICES = 8;
/** The unit choice for an officer who picks their unit themselves (and reviews for any unit of the area). */
const ANY_UNIT = 'any';

/** What the invite flow collects. */
const inviteData = new FlowData(
  'invite',
  z.object({ role: z.string().optional(), q: z.string().optional(), area: z.string().optional(), unit: z.string().optional() }),
  ['invite'],
);

/** `/invite` in the chat, for administrators: the invite flow (flows/invite.yaml). */
export function registerInviteChat(app: App, deps: () => AbilityDeps): void {
  /** The invite the flow has put together, if it is a whole one. */
  const specOf = (turn: Turn): InviteSpec | undefined => {
    const d = inviteData.read(turn);
    const role = grantableRoleSchema.safeParse(d.role);
    if (!role.success || !d.area || !app.areas.get(d.area)) return undefined;
    const unit = role.data === 'officer' && d.unit && d.unit !== ANY_UNIT && deps().units.has(d.unit) ? d.unit : undefined;
    return { role: role.data, area: d.area, ...(unit ? { unit } : {}) };
  };
  const words = (turn: Turn, spec: InviteSpec) => ({
    role: turn.t(`roles.role.${spec.role}`),
    area: app.areas.get(spec.area)?.fullName ?? spec.area,
    abilities: inviteAbilities(deps(), spec, turn.lang).map((line) => `• ${line}`).join('\n'),
  });

  app.registry
    .data(inviteData)
    .command({
      name: 'invite',
      outcomes: ['open'],
      async run(turn) {
        if (!(await turn.permits(['admin']))) return { reprompt: true } as const;
        inviteData.write(turn, {});
        return 'open';
      },
    })
    // The same search as a citizen's commune in registration: part of the name, with or without diacritics.
    .validator('roles.inviteAreaQuery', async (value) =>
      app.areas.search(String(value), { limit: 1 }).length ? { ok: true, value: String(value) } : { ok: false, error: 'roles.invite_no_area', params: { q: String(value) } },
    )
    .choices('roles.inviteAreas', async (turn) => [
      ...app.areas.search(inviteData.read(turn).q ?? '', { limit: MAX_AREA_CHOICES }).map((a) => ({ value: a.id, label: a.fullName })),
      { value: 'again', label: turn.t('roles.choice.again') },
    ])
    // The unit that recognises the title there comes first and says so: only its officers review files.
    .choices('roles.inviteUnits', async (turn) => {
      const { criteria, units } = deps();
      const area = app.areas.get(inviteData.read(turn).area ?? '');
      if (!area) return [];
      const reviewer = criteria.reviewerUnit(area.id, app.areas);
      const kinds = units.atLevel(area.kind).sort((a, b) => Number(b.id === reviewer) - Number(a.id === reviewer));
      return [
        ...kinds.map((u) => ({ value: u.id, label: u.id === reviewer ? turn.t('roles.invite_reviewer_unit', { unit: u.name[turn.lang] }) : u.name[turn.lang] })),
        { value: ANY_UNIT, label: turn.t('roles.choice.any_unit') },
      ];
    })
    .action('roles.describeInvite', ['incomplete'], async (turn) => {
      const spec = specOf(turn);
      if (!spec) return 'incomplete';
      turn.say('roles.invite_summary', words(turn, spec));
      return undefined;
    })
    .action('roles.makeInvite', ['incomplete'], async (turn) => {
      const spec = specOf(turn);
      if (!spec) return 'incomplete';
      const { code } = await app.invites.create({ ...spec, ttlMs: CHAT_INVITE_DAYS * 86_400_000, createdBy: turn.user });
      turn.say('roles.invite_made', { code, days: CHAT_INVITE_DAYS, ...words(turn, spec) });
      inviteData.clear(turn);
      return undefined;
    });
}
