import { fold } from '../core/fold.js';
import { foldedWords } from './fold.js';
import type { Lexicon } from './lexicon.js';

const CAPITALISED = /^\p{Lu}/u;

/**
 * A test of whether a question names one person: a title then two capitalised words ("chị Nguyễn Thị Lan", "ông
 * Lò Văn Xuân"), or a surname then a middle name then a name, typed with or without marks or capitals
 * ("nguyen thi lan"). "Hồ Chí Minh" (a city, a youth union) has no middle name of the list.
 */
export function personFinder(names: Lexicon['personNames']): (question: string) => boolean {
  const titles = new Set(names.titles.map(fold));
  const surnames = new Set(names.surnames.map(fold));
  const middle = new Set(names.middle.map(fold));
  return (question) => namesPerson(question, titles, surnames, middle);
}

function namesPerson(question: string, titles: ReadonlySet<string>, surnames: ReadonlySet<string>, middle: ReadonlySet<string>): boolean {
  const written = question.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const folded = foldedWords(question);
  for (let i = 0; i + 2 < folded.length; i++) {
    const [a, b, c] = [written[i] ?? '', written[i + 1] ?? '', written[i + 2] ?? ''];
    if (titles.has(folded[i] as string) && CAPITALISED.test(b) && CAPITALISED.test(c) && !CAPITALISED.test(a)) return true;
    if (surnames.has(folded[i] as string) && middle.has(folded[i + 1] as string) && (folded[i + 2] as string).length > 0) return true;
  }
  return false;
}
