import { wordsOf } from './words.js';

/**
 * The one form in which questions, documents and the lexicon are compared: lower case, no tone or vowel
 * marks, đ→d. Decomposing first (NFD) makes precomposed and combining input equal, and dropping the marks
 * makes both tone placements ("hoà"/"hòa", "thuý"/"thúy") and unaccented typing ("hoa") equal too.
 */
export function fold(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFD')
      // Vietnamese marks are all combining diacritics of this block; a narrow class is much faster than \p{M}.
      .replace(/[\u0300-\u036f]/g, '')
      // Ð (U+00D0) stands in for Đ in text converted from old Vietnamese encodings.
      .replace(/[đð]/g, 'd')
  );
}

/** The folded words of a text, for comparing short phrases. */
export const foldedWords = (text: string): string[] => wordsOf(fold(text));
