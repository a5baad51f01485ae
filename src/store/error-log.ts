/** Errors a Redis Cluster answers when a command meets the wrong node or slots: one kind per first word. */
const SLOT_ERROR = /\b(CROSSSLOT|MOVED|ASK|CLUSTERDOWN|TRYAGAIN|Too many Cluster redirections)\b/;

export function slotErrorKind(err: unknown): string | undefined {
  const text = err instanceof Error ? err.message : String(err);
  return SLOT_ERROR.exec(text)?.[1];
}

/**
 * Lets one log line per kind through each minute and counts the rest, so that a fault hit by every
 * call (a slot error in a worker's loop) is one line a minute with a count, not thousands a second.
 */
export class OncePerMinute {
  private readonly seen = new Map<string, { at: number; held: number }>();

  constructor(private readonly periodMs = 60_000) {}

  /** The number of like errors held back since the last line, when this one should be logged; else undefined. */
  admit(kind: string, now = Date.now()): number | undefined {
    const entry = this.seen.get(kind);
    if (entry && now - entry.at < this.periodMs) {
      entry.held++;
      return undefined;
    }
    this.seen.set(kind, { at: now, held: 0 });
    return entry?.held ?? 0;
  }
}
