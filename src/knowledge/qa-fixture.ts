import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fold } from '../core/fold.js';

/**
 * The question files in test/fixtures (qa-dev.jsonl and our own qa-extra.jsonl): one JSON object a line,
 * `{"q": "...", "expect": ["phrase", ...]}` or `{"q": "...", "abstain": true}`; an expected case may also
 * name the file in plans/ the answer comes from (`"document"`), and any case how it is written (`"style"`:
 * citizen, officer, which-doc, en, abstain). Used by the quality tests and the benchmark.
 */
const caseSchema = z.union([
  z.object({ q: z.string(), document: z.string().optional(), expect: z.array(z.string()).min(1), style: z.string().optional() }),
  z.object({ q: z.string(), abstain: z.literal(true), style: z.string().optional() }),
]);

export type QaCase = z.infer<typeof caseSchema>;

export function readQaFixture(path: string): QaCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, n) => {
      const parsed = caseSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${n + 1}: ${parsed.error.issues[0]?.message ?? 'invalid case'}`);
      return parsed.data;
    });
}

/**
 * How expected phrases are compared with passages: lower case, no diacritics, đ→d, and every run of
 * characters other than letters, digits and % turned into one space.
 */
export const comparable = (text: string): string => fold(text).replace(/[^\p{L}\p{N}%]+/gu, ' ').trim();

/** Whether one of the first three passages contains one of the expected phrases. */
export function foundInTopThree(expect: readonly string[], passages: readonly { text: string }[]): boolean {
  const phrases = expect.map(comparable);
  return passages.slice(0, 3).some((p) => phrases.some((phrase) => comparable(p.text).includes(phrase)));
}
