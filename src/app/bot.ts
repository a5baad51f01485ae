import { InFlight } from '../core/in-flight.js';
import { KeyedQueue } from '../sessions/keyed-queue.js';
import { inboundSchema, type Inbound, type ParsedInbound, type Reply } from '../core/message.js';
import type { Engine } from '../engine/engine.js';
import type { Language } from '../i18n/index.js';
import { isStoreOutage } from '../store/outage.js';
import type { App } from './app.js';
import { OncePerMinute, slotErrorKind } from '../store/error-log.js';
import { LocalThrottle, SharedThrottle, type Throttle } from './throttle.js';

export class InboundError extends Error {}

/**
 * The one entry for every channel: validates the message, runs the engine on the person's session
 * (one message per person at a time), counts it, and turns failures into a short apology so that no
 * message crashes the bot.
 */
export class Bot {
  private readonly inFlight = new InFlight();
  /** Each person's work from the channels, one piece after another (see inOrder). */
  private readonly turns = new KeyedQueue();
  private readonly throttle?: Throttle;
  /** A Redis Cluster slot error hits every message alike: one line a minute per kind. */
  private readonly slotErrors = new OncePerMinute();

  constructor(
    private readonly app: App,
    private readonly engine: Engine,
  ) {
    if (app.throttleOptions)
      this.throttle = app.inMemory ? new LocalThrottle(app.throttleOptions) : new SharedThrottle(app.redis, app.prefix, app.throttleOptions);
  }

  parse(inbound: Inbound): ParsedInbound {
    const parsed = inboundSchema.safeParse(inbound);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InboundError(`${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  /**
   * Runs a channel's work for one person (checking an update is new, handling it, sending the replies)
   * after the work handed over before it for that person, and beside other people's: the one place a
   * person's messages and answers are put in order. Handed over in arrival order (before any `await`),
   * the answers leave in that order. Across instances the session lock keeps a person's turns apart.
   */
  inOrder<T>(user: string, work: () => Promise<T>): Promise<T> {
    return this.turns.run(user, work);
  }

  handle(inbound: Inbound): Promise<Reply[]> {
    return this.inFlight.track(this.run(this.parse(inbound)));
  }

  private async run(inbound: ParsedInbound): Promise<Reply[]> {
    const { metrics, users, sessions, log, i18n } = this.app;
    const channel = inbound.user.slice(0, inbound.user.indexOf(':'));
    const stopTimer = metrics.latency.startTimer({ channel });
    metrics.updates.inc({ channel });
    let lang: Language = inbound.langHint ?? 'vi';
    // Wall-clock time: a flood is about how fast messages arrive, not about the business calendar. A
    // bucket that cannot be read (Redis away) lets the message on, where the outage is answered.
    const verdict = this.throttle ? await this.throttle.check(inbound.user).catch(() => 'pass' as const) : 'pass';
    if (verdict !== 'pass') {
      // A flood is not processed at all; its sender hears why once.
      metrics.errors.inc({ channel, kind: 'throttled' });
      stopTimer();
      return verdict === 'notify' ? [{ text: i18n.t(lang, 'common.slow_down') }] : [];
    }
    let seen: Promise<void> = Promise.resolve();
    let kept = false;
    try {
      const replies = await sessions.transact(inbound.user, async (loaded) => {
        let message = inbound;
        if (loaded.kind === 'ok') lang = loaded.session.lang;
        else {
          // Without a readable session (expired, or left by an older version) people keep the language they chose.
          const known = (await users.get(inbound.user))?.lang;
          if (known) message = { ...inbound, langHint: (lang = known) };
        }
        const result = await this.engine.handle(loaded, message);
        // Someone who just erased their data is not recorded again by this very message. The record
        // goes out alongside the session write (one round trip instead of two) and is awaited below,
        // so that its failure still fails the message; the catch only keeps it from going unobserved.
        if (result.session) {
          kept = true;
          seen = users.seen(inbound.user, result.session.lang);
          seen.catch(() => undefined);
        }
        return { session: result.session, result: result.replies };
      });
      await seen;
      return kept && this.app.waiting.length ? [...(await this.waitingFor(inbound.user)), ...replies] : replies;
    } catch (err) {
      const outage = isStoreOutage(err);
      metrics.errors.inc({ channel, kind: outage ? 'store' : 'internal' });
      // A store that refuses writes still reads: the person hears it in the language they chose.
      lang = (await users.get(inbound.user).catch(() => undefined))?.lang ?? lang;
      const slotKind = slotErrorKind(err);
      const held = slotKind ? this.slotErrors.admit(slotKind) : 0;
      if (held !== undefined) log.error({ err, user: inbound.user, ...(slotKind && { kind: slotKind, sinceLastLine: held }) }, outage ? 'store unavailable while handling a message' : 'message handling failed');
      return [{ text: i18n.t(lang, outage ? 'common.try_again' : 'common.error') }];
    } finally {
      stopTimer();
    }
  }

  /** What waits for the person; a source that fails keeps what it holds and the message is answered anyway. */
  private async waitingFor(user: string): Promise<Reply[]> {
    const parts = await Promise.all(
      this.app.waiting.map((take) =>
        take(user).catch((err: unknown) => {
          this.app.log.error({ err, user }, 'could not read what waits for a person');
          return [];
        }),
      ),
    );
    return parts.flat();
  }

  /** Waits for the messages being handled (graceful shutdown). */
  async drain(timeoutMs = 10_000): Promise<void> {
    await this.inFlight.drain(timeoutMs);
  }
}
