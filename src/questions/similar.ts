import type { Language } from '../i18n/index.js';
import type { Analyse } from '../knowledge/analyse.js';

/**
 * How close two questions are, as the Q&A reads them: the analyser folds marks, expands chat short forms
 * ("ko", "hs") and drops the words that only ask ("thế nào", "bao nhiêu"), so "Lớp tin học cho người già
 * học ở đâu?" and "lop tin hoc cho nguoi gia o dau vay" come out as the same content words.
 */
export type Terms = ReadonlySet<string>;

/** Share of the words two questions have in common (of all the words either has) that makes them one question. */
export const SAME_QUESTION = 0.75;
/** A note answers a question that has this share of the note's question's words… */
export const NOTE_COVERED = 0.7;
/** …and is about as close to it as a little rewording leaves it (not a longer question asking more). */
export const NOTE_LIKENESS = 0.5;

export function termsOf(analyse: Analyse, text: string, lang: Language): Terms {
  const { tokens, content } = analyse(text, lang);
  return new Set(tokens.filter((_, i) => content[i]));
}

function overlap(a: Terms, b: Terms): number {
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  return common;
}

/** Jaccard similarity of the content words. */
export function likeness(a: Terms, b: Terms): number {
  if (!a.size || !b.size) return 0;
  const common = overlap(a, b);
  return common / (a.size + b.size - common);
}

/**
 * Whether a note written for `note` answers `asked`: most of the note's question is in it and it is
 * not a much longer question that asks something more.
 */
export function noteAnswers(note: Terms, asked: Terms): boolean {
  if (!note.size || !asked.size) return false;
  return overlap(note, asked) / note.size >= NOTE_COVERED && likeness(note, asked) >= NOTE_LIKENESS;
}

/**
 * Groups items asking the same thing: each joins the first group whose first item is close enough.
 * Groups keep the order of their first item; an item keeps its order within its group.
 */
export function groupAlike<T>(items: readonly T[], terms: (item: T) => Terms): T[][] {
  const groups: { head: Terms; items: T[] }[] = [];
  for (const item of items) {
    const own = terms(item);
    const group = groups.find((g) => likeness(g.head, own) >= SAME_QUESTION);
    if (group) group.items.push(item);
    else groups.push({ head: own, items: [item] });
  }
  return groups.map((g) => g.items);
}
