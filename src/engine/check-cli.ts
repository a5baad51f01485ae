/**
 * `npm run flows:check`: every flow valid, every name it uses registered, every outcome routed, every
 * step reached, every locale key it uses present in vi and en. Prints "file: step: problem" lines and
 * exits 1 when there are any. `-- --graph flows/<id>.yaml` prints that flow as a Mermaid flowchart.
 */
import { Redis } from 'ioredis';
import { App } from '../app/app.js';
import { capabilities } from '../app/capabilities.js';
import { configSchema } from '../config.js';
import { runIfEntry, type CliIO } from '../core/cli.js';
import { createLogger } from '../core/logger.js';
import { catalogueKeys, LANGUAGES, loadCatalogues } from '../i18n/index.js';
import { checkFlows } from './check.js';
import { formatProblem, loadFlows } from './flows.js';
import { flowGraph } from './graph.js';

/** The command; what it prints goes to `io`, so that tests run it in-process. */
export async function main(args: readonly string[], io: CliIO): Promise<number> {
  // Checking flows reads files only: the client never connects.
  const redis = new Redis({ lazyConnect: true });
  const app = new App({ config: configSchema.parse({ LOG_LEVEL: 'silent' }), log: createLogger('silent'), redis });
  try {
    await app.use(...capabilities);
    const loaded = loadFlows(app.dirs.flows, app.registry);
    const catalogues = loadCatalogues(app.dirs.locales);
    const lines = checkFlows(loaded, app.registry, catalogues, { whole: true }).map(formatProblem);

    // Both languages must hold every key, not only the ones flows use.
    const [first, ...others] = LANGUAGES;
    const keysOf = (l: (typeof LANGUAGES)[number]) => new Set(catalogueKeys(catalogues[l]));
    for (const other of others) {
      const a = keysOf(first);
      const b = keysOf(other);
      for (const k of a) if (!b.has(k)) lines.push(`locales/${other}: ${k}: missing (present in ${first})`);
      for (const k of b) if (!a.has(k)) lines.push(`locales/${first}: ${k}: missing (present in ${other})`);
    }
    lines.forEach((line) => io.err(line));

    const graphAt = args.indexOf('--graph');
    if (graphAt >= 0) {
      const file = args[graphAt + 1] ?? '';
      const id = [...loaded.files].find(([, f]) => f === file || f === `flows/${file}` || f === `flows/${file}.yaml`)?.[0];
      const flow = id ? loaded.flows.get(id) : undefined;
      if (!flow) {
        io.err(`${file || '--graph'}: no such flow (give flows/<id>.yaml)`);
        return 1;
      }
      io.out(flowGraph(flow).trimEnd());
      return lines.length ? 1 : 0;
    }
    if (lines.length) return 1;
    io.out(`${loaded.flows.size} flows OK; ${keysOf(first).size} locale keys in ${LANGUAGES.join(' and ')}`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

await runIfEntry(import.meta.url, main);
