import { fold } from '../core/fold.js';
import { foldedWords } from './fold.js';

/** A word of a question with where it starts. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** Where a clause ends: what a question sets aside runs up to here. */
const CLAUSE_END = /[(),.;:?!\n]/;

/**
 * Cuts out of a question what it says it is not about: "Ở kế hoạch 2016-2020 của huyện ủy (không phải kế
 * hoạch cấp tỉnh), …" asks about the district plan, and the province plan it names after "không phải"
 * must not count as named. A clause is cut from the set-aside words (lexicon setAside) to its end, and
 * only when what follows names a document (`names`): "có phải đóng học phí không" keeps its words.
 */
export function setAsider(phrases: readonly string[], names: (foldedWords: readonly string[]) => boolean): (question: string) => string {
  const wanted = phrases.map(foldedWords).filter((p) => p.length > 0);
  const joined = wanted.map((p) => ` ${p.join(' ')} `);
  return (question) => {
    // Most questions set nothing aside: one look at the whole question says so.
    const all = ` ${foldedWords(question).join(' ')} `;
    return joined.some((p) => all.includes(p)) ? setAside(question, wanted, names) : question;
  };
}

function setAside(question: string, wanted: readonly (readonly string[])[], names: (foldedWords: readonly string[]) => boolean): string {
  let out = '';
  let rest = question;
  while (rest.length > 0) {
    const end = rest.search(CLAUSE_END);
    const clause = end < 0 ? rest : rest.slice(0, end + 1);
    rest = end < 0 ? '' : rest.slice(end + 1);
    const words = [...clause.matchAll(WORD)];
    const folded = words.map((m) => fold(m[0]));
    let cut = -1;
    for (let i = 0; i < folded.length && cut < 0; i++) {
      const phrase = wanted.find((p) => p.every((w, k) => folded[i + k] === w));
      if (phrase && names(folded.slice(i + phrase.length))) cut = words[i]?.index ?? -1;
    }
    out += cut < 0 ? clause : `${clause.slice(0, cut)} `;
  }
  return out;
}
