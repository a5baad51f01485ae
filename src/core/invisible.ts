/**
 * Characters that show nothing yet change what a text seems to say: bidirectional overrides and
 * isolates (U+202E shows "exe.gpj" as "jpg.exe"), zero-width spaces and joiners, soft hyphens, tag
 * characters, line and paragraph separators, and control characters other than newline and tab.
 */
const INVISIBLE = /(?![\n\t])[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** What a person typed, without invisible characters: stored text reads the same to everyone who sees it. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}
