/** True when `p` settled within `ms`. */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Work a part of the bot has started (a message being handled, a reply on its way, a job being sent),
 * so that a graceful stop waits for it instead of cutting it off.
 */
export class InFlight {
  private readonly work = new Set<Promise<unknown>>();

  /** Holds `work` until it settles, and hands it back unchanged (its failure stays the caller's). */
  track<T>(work: Promise<T>): Promise<T> {
    this.work.add(work);
    const done = () => void this.work.delete(work);
    work.then(done, done);
    return work;
  }

  /** Waits for everything in flight, at most `timeoutMs`; true when it all settled in time. */
  drain(timeoutMs: number): Promise<boolean> {
    return within(Promise.allSettled([...this.work]), Math.max(0, timeoutMs));
  }
}
