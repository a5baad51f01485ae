/**
 * The map of 3,355 areas: start-up time to read and check data/areas.yaml (the first read in the process
 * pays for warming the YAML parser, as start-up does), and the time of one area lookup as registration,
 * broadcasts and news opt-in make on a typed answer, across the country and within a province.
 */
import { join } from 'node:path';
import type { BenchLine } from './run.js';
import { Areas, areasFileSchema } from '../src/areas/areas.js';
import { loadDataFile } from '../src/core/data-file.js';
import { dataPaths } from '../src/core/paths.js';

const ROUNDS = 200;
/** What people type for a commune or a province, with and without marks, whole or in part. */
const TYPED = ['chieng an', 'p chieng an', 'Phường Chiềng An', 'xa tan lap', 'tan lap', 'an', 'ha noi', 'ho chi minh', 'long h', 'nguyen', 'phuong 1', 'đắk', 'xyz'];

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const ms = (value: number): number => Math.round(value * 1000) / 1000;

function lookups(name: string, search: (typed: string) => unknown): BenchLine {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const typed of TYPED) {
      const t = performance.now();
      search(typed);
      times.push(performance.now() - t);
    }
  times.sort((a, b) => a - b);
  return { bench: name, lookups: times.length, p50_ms: ms(percentile(times, 50)), p99_ms: ms(percentile(times, 99)), max_ms: ms(times.at(-1) ?? NaN) };
}

export async function* run(): AsyncIterable<BenchLine> {
  let started = performance.now();
  const areas = Areas.load();
  const firstMs = performance.now() - started;
  // A second read of the file (Areas.load itself keeps the first for the rest of the process).
  const again: number[] = [];
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    new Areas(loadDataFile(join(dataPaths.data, 'areas.yaml'), areasFileSchema).data.areas);
    again.push(performance.now() - started);
  }
  const count = areas.roots().reduce((n, p) => n + 1 + areas.children(p.id).length, 0);
  yield { bench: 'areas-load', areas: count, first_ms: ms(firstMs), again_ms: ms(again.reduce((a, b) => a + b, 0) / again.length) };
  for (const typed of TYPED) areas.search(typed);
  yield lookups('areas-search', (typed) => areas.search(typed, { limit: 9 }));
  yield lookups('areas-search-province', (typed) => areas.search(typed, { within: 'son-la', limit: 9 }));
}
