import type { Capability } from '../app/app.js';
import { usageError } from '../admin/commands.js';
import { LearningStore } from '../learning/store.js';
import { Subscriptions } from '../reminders/subscriptions.js';
import { migrate } from './migrate.js';
import { repairIndexes, type Indexed } from './repair.js';

/** Operators' commands on the store itself. */
export const storage: Capability = {
  name: 'storage',
  register(app) {
    app.admin.add({
      name: 'migrate',
      usage: 'migrate   moves data written before cluster support to the current key design (safe to run again)',
      async run(args, io) {
        if (args.length) return usageError(io, 'migrate takes no arguments');
        const report = await migrate(app, (line) => io.err(line));
        io.out(JSON.stringify(report));
        return 0;
      },
    });
    app.admin.add({
      name: 'repair indexes',
      usage: 'repair indexes   rebuilds area, role, review-queue and unit indexes from each person\'s records',
      async run(args, io) {
        if (args.length) return usageError(io, 'repair indexes takes no arguments');
        const stores: Indexed[] = [app.users, app.roles, new LearningStore(app.redis, app.prefix, app.clock, app.log, app.areas), new Subscriptions(app.redis, app.prefix, app.clock)];
        io.out(JSON.stringify(await repairIndexes(app, stores)));
        return 0;
      },
    });
  },
};
