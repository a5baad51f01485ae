/** JSON.parse that answers undefined for missing or broken text, for records read back from Redis. */
export function tryParseJson(text: string | null | undefined): unknown {
  if (text == null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
