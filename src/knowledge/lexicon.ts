import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { LANGUAGES, type Language } from '../i18n/index.js';
import { fold } from './fold.js';

export const LEXICON_FILE = 'lexicon.yaml';

const wordList = z.array(z.string().min(1));
const perLanguage = z.object({ vi: wordList, en: wordList });

const lexiconSchema = z.object({
  abbreviations: z.record(z.string().min(1), wordList),
  documentTypes: z.record(z.string().min(1), wordList),
  stopWords: perLanguage,
  stopPhrases: perLanguage,
  domainTerms: perLanguage,
});

/** The search vocabulary of plans/lexicon.yaml, folded and compiled. */
export interface Lexicon {
  /** Rewrites every short form in folded text to its full form. */
  expandAbbreviations(folded: string): string;
  /** Folded document-type code ("qd") for a folded code or type word ("qd", "quyet dinh"). */
  documentType(foldedWordOrCode: string): string | undefined;
  /** Folded type words and codes, longest first, for building the document-number pattern. */
  readonly documentTypeWords: readonly string[];
  readonly stopWords: Readonly<Record<Language, ReadonlySet<string>>>;
  /** Each phrase as its folded tokens. */
  readonly stopPhrases: Readonly<Record<Language, readonly (readonly string[])[]>>;
  /** Names of the programme's subject, as written: analyse them like a question to compare. */
  readonly domainTerms: Readonly<Record<Language, readonly string[]>>;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const foldedWords = (s: string): string[] => fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];
const longestFirst = (a: string, b: string): number => b.length - a.length;

/** A pattern for one short form: its spaces match any run of spaces; word edges are required only where it starts or ends with a letter or digit. */
function shortFormPattern(folded: string): string {
  const body = folded.split(/\s+/).map(escapeRegExp).join('\\s+');
  const start = /^[\p{L}\p{N}]/u.test(folded) ? '(?<![\\p{L}\\p{N}])' : '';
  const end = /[\p{L}\p{N}]$/u.test(folded) ? '(?![\\p{L}\\p{N}])' : '';
  return start + body + end;
}

export function compileLexicon(input: unknown, source = LEXICON_FILE): Lexicon {
  const parsed = lexiconSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid lexicon'}`);
  }
  const { abbreviations, documentTypes, stopWords, stopPhrases, domainTerms } = parsed.data;

  const fullForms = new Map<string, string>();
  for (const [full, shorts] of Object.entries(abbreviations)) {
    const expansion = foldedWords(full).join(' ');
    for (const short of shorts) fullForms.set(fold(short).trim(), expansion);
  }
  const shortForms = [...fullForms.keys()].sort(longestFirst);
  const abbreviationPattern = new RegExp(shortForms.map(shortFormPattern).join('|'), 'gu');

  const types = new Map<string, string>();
  for (const [code, words] of Object.entries(documentTypes)) {
    const foldedCode = foldedWords(code).join('');
    types.set(foldedCode, foldedCode);
    for (const word of words) types.set(foldedWords(word).join(' '), foldedCode);
  }

  const build = <T>(make: (lng: Language) => T): Record<Language, T> =>
    Object.fromEntries(LANGUAGES.map((lng) => [lng, make(lng)])) as Record<Language, T>;

  return {
    expandAbbreviations: (folded) =>
      shortForms.length === 0
        ? folded
        : folded.replace(abbreviationPattern, (match) => ` ${fullForms.get(match.replace(/\s+/g, ' ')) ?? match} `),
    documentType: (word) => types.get(word),
    documentTypeWords: [...types.keys()].sort(longestFirst),
    stopWords: build((lng) => new Set(stopWords[lng].flatMap(foldedWords))),
    stopPhrases: build((lng) => stopPhrases[lng].map(foldedWords).filter((p) => p.length > 0)),
    domainTerms,
  };
}

export function loadLexicon(plansDir: string): Lexicon {
  const path = join(plansDir, LEXICON_FILE);
  return compileLexicon(parse(readFileSync(path, 'utf8')), path);
}
