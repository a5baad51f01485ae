import type { Capability } from '../app/app.js';
import { usageError } from '../admin/commands.js';
import { migrate } from './migrate.js';

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
  },
};
