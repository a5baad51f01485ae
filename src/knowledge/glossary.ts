import { join } from 'node:path';
import { z } from 'zod';
import { loadDataFile } from '../core/data-file.js';

export const GLOSSARY_FILE = 'glossary.yaml';

const glossarySchema = z.object({ en: z.record(z.string().min(1), z.string().min(1)) }).strict();

/** English wordings and the Vietnamese the plans use for them, as written. */
export type Glossary = z.infer<typeof glossarySchema>;

export function loadGlossary(plansDir: string): Glossary {
  const path = join(plansDir, GLOSSARY_FILE);
  return loadDataFile(path, glossarySchema).data;
}

/** Numbers and document numbers as written ("2042", "2021-2030", "489/QĐ-TTg"): kept in a translation. */
const NUMBERS = /\d[\d]*(?:[/-][\p{L}\d]+)*/gu;

/**
 * An English question in the plans' Vietnamese: the glossary's wordings found in it (`found`, the
 * Vietnamese of each, in order), then its numbers and document numbers as written.
 */
export function inVietnamese(question: string, found: readonly string[]): string {
  return [...found, ...(question.match(NUMBERS) ?? [])].join(', ');
}
