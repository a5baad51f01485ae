/**
 * The one form in which questions, documents and the lexicon are compared: lower case, no tone or vowel
 * marks, đ→d. Decomposing first (NFD) makes precomposed and combining input equal, and dropping the marks
 * makes both tone placements ("hoà"/"hòa", "thuý"/"thúy") and unaccented typing ("hoa") equal too.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    // Ð (U+00D0) stands in for Đ in text converted from old Vietnamese encodings.
    .replace(/[đð]/g, 'd');
}
