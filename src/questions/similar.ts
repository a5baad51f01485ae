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

export function termsOf(analyse: Analyse, text: string, lang: Language): Terms {
  const { tokens, content } = analyse(text, lang);
  return new Set(tokens.filter((_, i) => content[i]));
}

const NUMBER = /^\d/;

/** "Tổ 5" is not "tổ 7": questions that give different numbers never ask the same thing. */
function sameNumbers(a: Terms, b: Terms): boolean {
  const numbers = (t: Terms) => [...t].filter((w) => NUMBER.test(w)).sort().join(' ');
  return numbers(a) === numbers(b);
}

/** Jaccard similarity of the content words; 0 when the numbers they give differ. */
export function likeness(a: Terms, b: Terms): number {
  if (!a.size || !b.size || !sameNumbers(a, b)) return 0;
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  return common / (a.size + b.size - common);
}

/** A note answers the questions that would be grouped with its own: the same words, a little reworded. */
export function noteAnswers(note: Terms, asked: Terms): boolean {
  return likeness(note, asked) >= SAME_QUESTION;
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
