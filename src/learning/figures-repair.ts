import { usageError, type AdminCommand } from '../admin/commands.js';
import { scanKeys } from '../store/scan.js';
import type { LearningContext } from './context.js';

export interface FiguresRepair {
  people: number;
  /** Files the figures counted that are gone, or now of another province. */
  removed: number;
  /** Files counted once the counters were counted again. */
  files: number;
}

/**
 * Counts the figures again from the files, which are the truth: every person's files are followed again
 * (idempotent), entries for files that are gone are dropped, and each province's counters are rebuilt
 * from what its files add. Safe to run at any time, e.g. once after upgrading to a store without figures.
 */
export async function repairFigures(ctx: LearningContext): Promise<FiguresRepair> {
  const { app, store } = ctx;
  const report: FiguresRepair = { people: 0, removed: 0, files: 0 };
  for await (const page of app.users.all()) {
    await Promise.all(page.map(async (user) => {
      for (const year of await store.years(user)) await store.figures.follow(user, undefined, await store.file(user, year), true);
    }));
    report.people += page.length;
  }
  for await (const keys of scanKeys(app.redis, store.figures.filesPattern)) {
    for (const key of keys) {
      const { removed, files } = await store.figures.prune(key, (user, year) => store.file(user, year));
      report.removed += removed;
      report.files += files;
    }
  }
  return report;
}

/** `npm run admin -- repair figures`. */
export function repairFiguresCommand(ctx: LearningContext): AdminCommand {
  return {
    name: 'repair figures',
    usage: 'repair figures   counts the learning figures (console dashboard, stats) again from the files',
    async run(args, io) {
      if (args.length) return usageError(io, 'repair figures takes no arguments');
      io.out(JSON.stringify(await repairFigures(ctx)));
      return 0;
    },
  };
}
