/**
 * Redis unreachable, loading, or full (maxmemory with noeviction refuses writes with OOM): an outage,
 * after which people are asked to try again; anything else is the bot's own failure.
 */
export function isStoreOutage(err: unknown): boolean {
  const text = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  return /Connection is closed|enableOfflineQueue|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Stream isn't writeable|LOADING|OOM command not allowed|stayed locked|lock .* was lost/i.test(text);
}
