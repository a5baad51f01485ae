import type { Capability } from '../app/app.js';
import { randomBytes } from 'node:crypto';
import { formatVnDateTime } from '../core/clock.js';
import { usePersonKey } from '../core/person-ref.js';
import { seenKey } from '../sessions/seen.js';

/** /mydata shows everything the bot holds about the person; /deletedata erases it after a yes. */
export const privacy: Capability = {
  name: 'privacy',
  register(app) {
    // Logs name people by a hash keyed with this secret, made once and shared by every instance.
    app.onStart(async () => {
      const key = `${app.prefix}secret:log-person`;
      await app.redis.set(key, randomBytes(32).toString('base64'), 'NX');
      const secret = await app.redis.get(key);
      if (secret) usePersonKey(Buffer.from(secret, 'base64'));
    });

    app.privacy.add({
      name: 'profile',
      async describe(user, t) {
        const rec = await app.users.get(user);
        if (!rec) return [];
        const lines = [t('privacy.line_profile', { id: user, lang: t(`common.language.${rec.lang}`), first: formatVnDateTime(new Date(rec.firstSeen)), last: formatVnDateTime(new Date(rec.lastSeen)) })];
        if (rec.optOut) lines.push(t('privacy.line_opt_out', { since: formatVnDateTime(new Date(rec.optOut)) }));
        return lines;
      },
      // The person's seen updates (platform ids, a day) go with the record.
      erase: async (user) => {
        await Promise.all([app.users.forget(user), app.redis.del(seenKey(app.prefix, user))]);
      },
    });

    app.registry
      .command({
        name: 'mydata',
        aliases: ['dữ liệu của tôi', 'my data'],
        outcomes: ['show'],
        async run() {
          return 'show';
        },
      })
      .command({
        name: 'deletedata',
        aliases: ['xóa dữ liệu', 'xoá dữ liệu', 'delete my data'],
        outcomes: ['confirm'],
        async run() {
          return 'confirm';
        },
      })
      .action('privacy.show', async (turn) => {
        const lines = await app.privacy.describe(turn.user, (key, params) => turn.t(key, params));
        turn.say(lines.length ? 'privacy.header' : 'privacy.nothing', { lines: lines.map((l) => `• ${l}`).join('\n') });
      })
      .action('privacy.erase', async (turn) => {
        await app.privacy.eraseAll(turn.user);
        // The session goes too: the engine does not write it back.
        turn.forgetUser = true;
        app.log.info({ user: turn.user }, 'personal data erased on request');
      });
  },
};
