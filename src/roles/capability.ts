import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { usageError } from '../admin/commands.js';
import type { Capability } from '../app/app.js';
import { UnitKinds } from '../reminders/units.js';
import { grantableRoleSchema } from './roles.js';
import { parseDuration } from './invites.js';

/** Failed /join attempts allowed per person per hour, so codes cannot be guessed by trying. */
const JOIN_ATTEMPTS_PER_HOUR = 5;

/** Roles by invite: `npm run admin -- invite ...` makes a code, `/join <code>` redeems it. */
export const roles: Capability = {
  name: 'roles',
  register(app) {
    const roleName = (lang: 'vi' | 'en', role: string) => app.i18n.t(lang, `roles.role.${role}`);

    app.registry.command({
      name: 'join',
      async run(turn, args) {
        if (!args) {
          turn.say('roles.join_usage');
          return { reprompt: true };
        }
        const attemptsKey = `${app.prefix}join-attempts:${turn.user}`;
        const attempts = Number(await app.redis.get(attemptsKey)) || 0;
        if (attempts >= JOIN_ATTEMPTS_PER_HOUR) {
          turn.say('roles.join_too_many');
          return { reprompt: true };
        }
        const result = await app.invites.redeem(turn.user, args);
        if (!result.ok) {
          await app.redis.multi().incr(attemptsKey).pexpire(attemptsKey, 3_600_000).exec();
          turn.say(`roles.join_${result.reason}`);
          return { reprompt: true };
        }
        turn.rolesChanged();
        const area = app.areas.get(result.grant.area);
        turn.say('roles.joined', { role: roleName(turn.lang, result.grant.role), area: area?.fullName ?? result.grant.area });
        return { goto: 'menu.main' };
      },
    });

    app.privacy.add({
      name: 'roles',
      async describe(user, t) {
        return (await app.roles.grants(user)).map((g) =>
          t('roles.data_line', { role: t(`roles.role.${g.role}`), area: app.areas.get(g.area)?.fullName ?? g.area }),
        );
      },
      erase: (user) => app.roles.forget(user),
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
        if (!values.area || !app.areas.get(values.area)) return usageError(io, `--area must be an area id from data/areas.yaml (got ${values.area ?? 'nothing'})`);
        if (values.unit !== undefined && !UnitKinds.load(join(app.dirs.data, 'units.yaml')).get(values.unit))
          return usageError(io, `--unit must be a unit kind from data/units.yaml, e.g. ubnd_xa (got ${values.unit})`);
        const ttlMs = parseDuration(values.expires);
        if (!ttlMs) return usageError(io, '--expires must be a duration like 7d, 12h or 30m');
        const { code, expiresAt } = await app.invites.create({ role: role.data, area: values.area, unit: values.unit, ttlMs, createdBy: 'cli' });
        io.out(code);
        io.err(`Single-use code for ${role.data} of ${app.areas.get(values.area)?.fullName}, valid until ${expiresAt.toISOString()}. The holder sends: /join ${code}`);
        return 0;
      },
    });
  },
};
