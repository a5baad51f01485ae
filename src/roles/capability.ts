import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { usageError } from '../admin/commands.js';
import type { Capability } from '../app/app.js';
import { Criteria } from '../learning/criteria.js';
import { UnitKinds } from '../reminders/units.js';
import { inviteAbilities, type AbilityDeps } from './abilities.js';
import { registerInviteChat } from './invite-chat.js';
import { registerInvitePages } from './invite-page.js';
import { personTag } from '../store/keys.js';
import { parseDuration } from './invites.js';
import { grantableRoleSchema } from './roles.js';

/** Failed /join attempts allowed per person per hour, so codes cannot be guessed by trying. */
const JOIN_ATTEMPTS_PER_HOUR = 5;
const HOUR_MS = 3_600_000;

/** Roles by invite: `npm run admin -- invite ...` or an admin's `/invite` (flows/invite.yaml) makes a code, `/join <code>` redeems it. */
export const roles: Capability = {
  name: 'roles',
  register(app) {
    const roleName = (lang: 'vi' | 'en', role: string) => app.i18n.t(lang, `roles.role.${role}`);
    const joinAttemptsKey = (user: string) => `${app.prefix}join-attempts:${personTag(user)}`;
    /** Wrong codes from everyone in one clock hour: ids are cheap to change (web chat), so a per-person count alone does not stop guessing. */
    const wrongCodesKey = (hour: number) => `${app.prefix}join-wrong:${hour}`;
    let deps: AbilityDeps | undefined;
    /** The unit kinds and the reviewing unit per area, read once, when an invite is first made. */
    const abilityDeps = (): AbilityDeps =>
      (deps ??= {
        app,
        units: UnitKinds.load(join(app.dirs.data, 'units.yaml')),
        criteria: Criteria.load(join(app.dirs.data, 'criteria.yaml'), app.areas),
      });
    registerInviteChat(app, abilityDeps);
    registerInvitePages(app, abilityDeps);

    app.registry.command({
      name: 'join',
      outcomes: ['officer', 'granted'],
      async run(turn, args) {
        if (!args) {
          turn.say('roles.join_usage');
          return { reprompt: true } as const;
        }
        const attemptsKey = joinAttemptsKey(turn.user);
        const now = app.clock.now().getTime();
        const hour = Math.floor(now / HOUR_MS);
        const limit = app.config.JOIN_WRONG_CODES_PER_HOUR;
        // Two reads, not one MGET: the person's count lives in their slot, everyone's in its own.
        const [attempts, everyone] = (await Promise.all([app.redis.get(attemptsKey), app.redis.get(wrongCodesKey(hour))])).map((v) => Number(v) || 0);
        if ((everyone ?? 0) >= limit) {
          turn.say('roles.join_closed', { minutes: Math.ceil(((hour + 1) * HOUR_MS - now) / 60_000) });
          return { reprompt: true } as const;
        }
        if ((attempts ?? 0) >= JOIN_ATTEMPTS_PER_HOUR) {
          turn.say('roles.join_too_many');
          return { reprompt: true } as const;
        }
        const result = await app.invites.redeem(turn.user, args);
        if (!result.ok) {
          const [, counted] = await Promise.all([
            app.redis.multi().incr(attemptsKey).pexpire(attemptsKey, HOUR_MS).exec(),
            app.redis.multi().incr(wrongCodesKey(hour)).pexpire(wrongCodesKey(hour), 2 * HOUR_MS).exec(),
          ]);
          // Once, by whichever message reaches the limit: the log says guessing is under way, not by whom.
          if (counted?.[0]?.[1] === limit) app.log.warn({ limit }, 'invite codes: too many wrong codes this hour; every /join is refused until the hour ends');
          turn.say(`roles.join_${result.reason}`);
          return { reprompt: true } as const;
        }
        turn.rolesChanged();
        const area = app.areas.get(result.grant.area);
        turn.say('roles.joined', { role: roleName(turn.lang, result.grant.role), area: area?.fullName ?? result.grant.area });
        turn.say(`roles.joined_${result.grant.role}`);
        // A new officer is led straight to their unit's deadlines and the reminder offer; that flow is personal.
        return result.grant.role === 'officer' && turn.inbound.chat === 'private' ? 'officer' : 'granted';
      },
    });

    app.privacy.add({
      name: 'roles',
      async describe(user, t) {
        return (await app.roles.grants(user)).map((g) =>
          t('roles.data_line', { role: t(`roles.role.${g.role}`), area: app.areas.get(g.area)?.fullName ?? g.area }),
        );
      },
      // The count of wrong codes names the person too (for up to an hour).
      async erase(user) {
        await app.roles.forget(user);
        await app.redis.del(joinAttemptsKey(user));
      },
    });

    app.admin.add({
      name: 'invite',
      usage: 'invite --role officer|organiser --area <area id> [--unit <kind>] [--expires 7d]',
      async run(argv, io) {
        const { values } = parseArgs({
          args: argv,
          options: { role: { type: 'string' }, area: { type: 'string' }, unit: { type: 'string' }, expires: { type: 'string', default: '7d' } },
        });
        const role = grantableRoleSchema.safeParse(values.role);
        if (!role.success) return usageError(io, '--role must be officer or organiser');
        const area = values.area ? app.areas.get(values.area) : undefined;
        if (!area) return usageError(io, `--area must be an area id from data/areas.yaml (got ${values.area ?? 'nothing'})`);
        if (values.unit !== undefined && !abilityDeps().units.has(values.unit)) return usageError(io, `--unit must be a unit kind from data/units.yaml, e.g. hoi_khuyen_hoc_xa (got ${values.unit})`);
        const ttlMs = parseDuration(values.expires);
        if (!ttlMs) return usageError(io, '--expires must be a duration like 7d, 12h or 30m');
        const spec = { role: role.data, area: area.id, ...(values.unit !== undefined ? { unit: values.unit } : {}) };
        const { code, expiresAt } = await app.invites.create({ ...spec, ttlMs, createdBy: 'cli' });
        io.out(code);
        io.err(`Single-use code for ${spec.role} of ${area.fullName}, valid until ${expiresAt.toISOString()}. The holder will be able to:`);
        for (const line of inviteAbilities(abilityDeps(), spec, 'en')) io.err(`  - ${line}`);
        io.err(`The holder sends: /join ${code}`);
        return 0;
      },
    });
  },
};
