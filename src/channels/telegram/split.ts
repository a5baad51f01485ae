/** Telegram's limit for one message's text, in UTF-16 code units as the Bot API counts them. */
export const TEXT_LIMIT = 4096;

/** The last place at or before `limit` where a piece may end: a paragraph break, else a line break, else a space. */
function cutAt(text: string, limit: number): { end: number; skip: number } {
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = text.lastIndexOf(sep, limit);
    if (at > 0) return { end: at, skip: sep.length };
  }
  // One unbroken run of characters: cut hard, but never between the halves of a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
  return { end, skip: 0 };
}

/**
 * Splits a long text into messages of at most `limit` characters, packing whole paragraphs into each
 * and breaking inside a paragraph only when one alone is too long.
 */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const { end, skip } = cutAt(rest, limit);
    const piece = rest.slice(0, end).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(end + skip).replace(/^\n+/, '');
  }
  if (rest.trim() || pieces.length === 0) pieces.push(rest);
  return pieces;
}
