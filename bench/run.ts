/**
 * `npm run bench`: every benchmark prints one JSON line `{"bench":"<name>", ...figures}`.
 * A benchmark module exports `run(): AsyncIterable<BenchLine>`; list it here.
 * Pass names to run only some: `npm run bench -- qa sessions`.
 */
export interface BenchLine {
  bench: string;
  [figure: string]: unknown;
}

type BenchModule = { run(): AsyncIterable<BenchLine> };

const benches: Record<string, () => Promise<BenchModule>> = {
  areas: () => import('./areas.js'),
  broadcast: () => import('./broadcast.js'),
  console: () => import('./console.js'),
  fanout: () => import('./fanout.js'),
  qa: () => import('./qa.js'),
  questions: () => import('./questions.js'),
  reminders: () => import('./reminders.js'),
  sessions: () => import('./sessions.js'),
  storage: () => import('./storage.js'),
  webhook: () => import('./webhook.js'),
  zalo: () => import('./zalo.js'),
};

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, load] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  const mod = await load();
  for await (const line of mod.run()) process.stdout.write(JSON.stringify(line) + '\n');
}
process.exit(0);
