/** A JSON number token, matched where a value may start. */
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/**
 * JSON.parse that keeps integers beyond 2^53 exact by reading them as strings. Zalo ids and
 * timestamps may arrive as bare numbers that plain JSON.parse would silently round.
 * Malformed text still throws a SyntaxError.
 */
export function parseExactJson(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = afterString(text, i);
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) {
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) {
      i++;
      continue;
    }
    const token = m[0];
    if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(Number(token))) {
      out += `${text.slice(copied, i)}"${token}"`;
      copied = i + token.length;
    }
    i += token.length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The index just past the string literal that opens at `start`. */
function afterString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}
