import type { Capability } from '../app/app.js';

/** /stop ("dừng nhận tin") ends every proactive message at once; settings can turn them back on. */
export const users: Capability = {
  name: 'users',
  register(app) {
    const stop = async (user: string) => app.users.setOptOut(user, true);
    app.registry
      .command({
        name: 'stop',
        aliases: ['dừng nhận tin', 'ngừng nhận tin', 'stop'],
        async run(turn) {
          await stop(turn.user);
          turn.say('users.stopped');
          return { reprompt: true };
        },
      })
      .action('users.stop', async (turn) => {
        await stop(turn.user);
      })
      .action('users.resume', async (turn) => {
        await app.users.setOptOut(turn.user, false);
      })
      .choices('users.notificationChoices', async (turn) => {
        const rec = await app.users.get(turn.user);
        return rec?.optOut
          ? [{ value: 'resume', label: turn.t('users.choice.resume') }]
          : [{ value: 'stop', label: turn.t('users.choice.stop') }];
      });
  },
};
