import type { App } from '../app/app.js';
import type { Redis } from '../store/redis.js';
import { ledgerKeys, noteMark, onceKey, STATUS_TTL_S } from './deliver.js';
import { Script } from '../store/script.js';
import type { DeliveryStatus, OutboundMessage } from './types.js';

/*
 * The exactly-once mark of a (key, person) moves through these values, each change in one script so
 * that two workers, or a worker re-running a job after a crash, agree on what happened:
 *   "q"            accepted into the durable queue, not sent yet
 *   "s:<token>"    a worker is sending it now
 *   "d:<status>"   done; the report counted it once
 * ("1" is DirectOutbound's mark: that message is sent in-process, never from the queue.)
 */

/** Marks a new (key, person) queued and counts it, in one step; 1 new, 2 queued before but never started, 0 taken. */
const CLAIM = new Script('ledger_claim', 3, `
if redis.call('SET', KEYS[1], 'q', 'EX', ARGV[1], 'NX') then
  redis.call('HINCRBY', KEYS[2], 'queued', 1)
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[2], 'queued')
  redis.call('EXPIRE', KEYS[3], ARGV[1])
  return 1
end
if redis.call('GET', KEYS[1]) == 'q' then return 2 end
return 0`);

/** Takes the mark for sending, right before the platform call; returns the mark found when it is not free. */
const BEGIN = new Script('ledger_begin', 1, `
local v = redis.call('GET', KEYS[1])
if v and v ~= 'q' then return v end
redis.call('SET', KEYS[1], 's:' .. ARGV[1], 'EX', ARGV[2])
return ''`);

/**
 * Records the outcome and marks it done, once. ARGV[1] is the mark the caller holds: "s:<token>", or ""
 * for a message that never reached the platform (mark still free). With ARGV[6] = "settle", a mark left
 * at "sending" by a crash is recorded as failed (interrupted) instead.
 */
const FINISH = new Script('ledger_finish', 3, `
local v = redis.call('GET', KEYS[1])
local status, value = ARGV[2], ARGV[3]
if ARGV[1] == '' then
  if v and v ~= 'q' then
    if ARGV[6] == 'settle' and string.sub(v, 1, 2) == 's:' then status, value = 'failed', 'failed:interrupted'
    else return 0 end
  end
elseif v ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], 'd:' .. status, 'EX', ARGV[5])
redis.call('HINCRBY', KEYS[2], status, 1)
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('HSET', KEYS[3], ARGV[4], value)
redis.call('EXPIRE', KEYS[3], ARGV[5])
return 1`);

const RELEASE = new Script('ledger_release', 1, `
if redis.call('GET', KEYS[1]) == 's:' .. ARGV[1] then
  redis.call('SET', KEYS[1], 'q', 'KEEPTTL')
  return 1
end
return 0`);

export type Claim = 'new' | 'again' | 'taken';
/** free: not sent yet; done: sent (or settled) before; interrupted: a crash during a send left it "sending". */
export type MarkState = { state: 'free' } | { state: 'done' } | { state: 'interrupted'; mark: string };
type Who = Pick<OutboundMessage, 'key' | 'user' | 'campaign'>;
type Final = Exclude<DeliveryStatus, 'queued' | 'duplicate'>;

/**
 * The durable queue's side of exactly-once: the mark is taken right before the platform call and the
 * report counted in the same step that marks it done, so a job that runs again (a crash, a lost lock)
 * never sends twice. A crash during the platform call itself leaves "sending": the re-run cannot know
 * whether the message went out and reports it failed ("interrupted") rather than risk a second copy.
 */
export class OutboundLedger {
  constructor(
    private readonly app: App,
    private readonly redis: Redis,
  ) {}

  private keys(m: Who): string[] {
    return ledgerKeys(this.app, m);
  }

  /** Marks a new (key, person) queued and counts it as queued, in one step. */
  async claim(m: Who): Promise<Claim> {
    await noteMark(this.app, m, this.redis);
    const r = Number(await CLAIM.run(this.redis, this.keys(m), [STATUS_TTL_S, m.user]));
    return r === 1 ? 'new' : r === 2 ? 'again' : 'taken';
  }

  async state(m: Who): Promise<MarkState> {
    const v = await this.redis.get(onceKey(this.app, m));
    if (v === null || v === 'q') return { state: 'free' };
    return v.startsWith('s:') ? { state: 'interrupted', mark: v } : { state: 'done' };
  }

  /** Takes the mark for a send; false when another run holds or finished it. */
  async begin(m: Who, token: string): Promise<boolean> {
    return (await BEGIN.run(this.redis, [onceKey(this.app, m)], [token, STATUS_TTL_S])) === '';
  }

  /**
   * Records the outcome once. `token`: the send this run began; none for a message that never reached
   * the platform; `{ mark }` to settle a send a crash interrupted. False when someone else recorded it.
   */
  async finish(m: Who, held: string | { mark: string } | undefined, status: Final, reason?: string): Promise<boolean> {
    const mark = held === undefined ? '' : typeof held === 'string' ? `s:${held}` : held.mark;
    const value = reason ? `${status}:${reason}` : status;
    return Number(await FINISH.run(this.redis, this.keys(m), [mark, status, value, m.user, STATUS_TTL_S, ''])) === 1;
  }

  /** For a job that failed for good outside a run (stalled too often): records it unless done, whatever the mark. */
  async settle(m: Who, reason: string): Promise<boolean> {
    return Number(await FINISH.run(this.redis, this.keys(m), ['', 'failed', `failed:${reason}`, m.user, STATUS_TTL_S, 'settle'])) === 1;
  }

  /** Hands an unsent message back (rate limit, transient failure): the next try may send it. */
  async release(m: Who, token: string): Promise<void> {
    await RELEASE.run(this.redis, [onceKey(this.app, m)], [token]);
  }
}
