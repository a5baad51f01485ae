/**
 * The one form in which Vietnamese text is compared: lower case, no tone or vowel marks, đ→d.
 * Decomposing first (NFD) makes precomposed and combining input equal, and dropping the marks makes
 * both tone placements ("hoà"/"hòa", "thuý"/"thúy") and unaccented typing ("hoa") equal too.
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

/** What people type, folded and with its spaces tidied, for matching a choice, a command or a place name. */
export function foldVietnamese(text: string): string {
  return fold(text).replace(/\s+/g, ' ').trim();
}
