import type { App } from '../app/app.js';
import type { Redis } from '../store/redis.js';
import { ledgerKeys, noteMark, onceKey, STATUS_TTL_S } from './deliver.js';
import { BEGIN, CLAIM, FINISH, RELEASE } from './lua/ledger.js';
import type { DeliveryStatus, OutboundMessage } from './types.js';

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
