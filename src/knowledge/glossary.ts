import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const GLOSSARY_FILE = 'glossary.yaml';

const glossarySchema = z.object({ en: z.record(z.string().min(1), z.string().min(1)) }).strict();

/** English wordings and the Vietnamese the plans use for them, as written. */
export type Glossary = z.infer<typeof glossarySchema>;

export function parseGlossary(input: unknown, source = GLOSSARY_FILE): Glossary {
  const parsed = glossarySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid glossary'}`);
  }
  return parsed.data;
}

export function loadGlossary(plansDir: string): Glossary {
  const path = join(plansDir, GLOSSARY_FILE);
  return parseGlossary(parse(readFileSync(path, 'utf8')), path);
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
