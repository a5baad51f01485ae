/**
 * Folds Vietnamese text for matching what people type: lower case, no tone or vowel marks, đ→d,
 * whitespace collapsed. Works on any Unicode normal form, so "hoà" and "hòa" fold alike.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
