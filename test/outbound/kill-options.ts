import type { DurableOutboundOptions } from '../../src/outbound/queue.js';

/** Both sides of the kill test: a short lock so that a killed worker's jobs are taken up within seconds. */
export const KILL_TEST_OPTIONS: DurableOutboundOptions = {
  rates: { telegram: { count: 400, perMs: 1_000 }, zalo: { count: 0, perMs: 60_000 }, web: { count: 0, perMs: 1_000 } },
  concurrency: 16,
  lockDurationMs: 1_000,
  stalledIntervalMs: 500,
};

/** The list the stand-in channel appends each accepted message's recipient to. */
export const receivedKey = (prefix: string) => `${prefix}fake:received`;
