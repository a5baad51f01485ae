/**
 * Q&A over the plans: index build time and answer latency, on the real corpus (plans/) and on the
 * corpus replicated to 500 documents. Questions: the dev set and our own, asked round after round.
 * Wall-clock figures (`*_ms`) are what a user waits; the `*_cpu_ms` figures are the process's CPU time
 * for the same work, which stays meaningful when other work shares the machine's two cores.
 */
import { join } from 'node:path';
import type { BenchLine } from './run.js';
import { dataPaths, projectRoot } from '../src/core/paths.js';
import { createI18n } from '../src/i18n/index.js';
import { loadCorpus, type PlanDocument } from '../src/knowledge/corpus.js';
import { createKnowledgeBase, type KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { loadLexicon } from '../src/knowledge/lexicon.js';
import { readQaFixture } from '../src/knowledge/qa-fixture.js';

const ROUNDS = 20;
const REPLICATED = 500;

const questions = ['qa-dev.jsonl', 'qa-extra.jsonl'].flatMap((name) =>
  readQaFixture(join(projectRoot, 'test', 'fixtures', name)).map((c) => c.q),
);

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const ms = (value: number): number => Math.round(value * 1000) / 1000;
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

function measure(name: string, documents: readonly PlanDocument[]): BenchLine {
  const lexicon = loadLexicon(dataPaths.plans);
  const i18n = createI18n();
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const kb: KnowledgeBase = createKnowledgeBase(documents, lexicon, i18n);
  const buildMs = performance.now() - started;
  const buildCpuMs = cpuMs(startedCpu);
  for (const q of questions) kb.answer(q);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of questions) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      kb.answer(q);
      cpuTimes.push(cpuMs(cpu));
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  return {
    bench: name,
    documents: documents.length,
    build_ms: ms(buildMs),
    build_cpu_ms: ms(buildCpuMs),
    answers: times.length,
    p50_ms: ms(percentile(times, 50)),
    p99_ms: ms(percentile(times, 99)),
    max_ms: ms(times[times.length - 1] ?? NaN),
    p50_cpu_ms: ms(percentile(cpuTimes, 50)),
    p99_cpu_ms: ms(percentile(cpuTimes, 99)),
  };
}

export async function* run(): AsyncIterable<BenchLine> {
  const corpus = loadCorpus(dataPaths.plans);
  yield measure('qa', corpus);
  const replicated = Array.from({ length: REPLICATED }, (_, i) => {
    const doc = corpus[i % corpus.length] as PlanDocument;
    return { ...doc, file: `${String(i).padStart(3, '0')}-${doc.file}` };
  });
  yield measure('qa-500', replicated);
}
