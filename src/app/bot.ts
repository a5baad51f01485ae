import { InFlight } from '../core/in-flight.js';
import { KeyedQueue } from '../sessions/keyed-queue.js';
import { inboundSchema, type Inbound, type ParsedInbound, type Reply } from '../core/message.js';
import type { Engine } from '../engine/engine.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/index.js';
import { isStoreOutage } from '../store/outage.js';
import { LockTimeoutError } from '../sessions/redis-store.js';
import type { SeenMark } from '../sessions/seen.js';
import type { App, WaitingSource } from './app.js';
import { OncePerMinute, slotErrorKind } from '../store/error-log.js';

export class InboundError extends Error {}
/** The store failed before the update's turn began: nothing was done, and the platform may deliver it again. */
export class StoreRefusedError extends Error {}

/** What `handleUpdate` gives for an update handled before. */
export const REPEAT = 'repeat';

/** The replies to a message, and the language they are in (the person's after the turn), for channels that render in it. */
export interface Handled {
  replies: Reply[];
  lang: Language;
}

/** A platform update that may arrive twice (Telegram redelivers until its webhook is answered). */
export interface UpdateOptions {
  /** The update's mark in the person's seen set, set as their turn opens; kept `ttlS` seconds. */
  once: SeenMark;
  /** A store failure before the turn opened throws StoreRefusedError, instead of an apology to the person. */
  redeliver: boolean;
}

/**
 * The one entry for every channel: validates the message, runs the engine on the person's session
 * (one message per person at a time), counts it, and turns failures into a short apology so that no
 * message crashes the bot.
 */
export class Bot {
  private readonly inFlight = new InFlight();
  /** Each person's work from the channels, one piece after another (see inOrder). */
  private readonly turns = new KeyedQueue();
  /** A Redis Cluster slot error hits every message alike: one line a minute per kind. */
  private readonly slotErrors = new OncePerMinute();

  constructor(
    private readonly app: App,
    private readonly engine: Engine,
  ) {}

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
    return this.handleUpdate(inbound).then((r) => (r === REPEAT ? [] : r.replies));
  }

  /**
   * `handle` with the replies' language (a channel that renders in it reads no record for it); for an
   * update that may come twice (`update`), the second time it is not handled, and gives REPEAT.
   */
  handleUpdate(inbound: Inbound, update?: UpdateOptions): Promise<Handled | typeof REPEAT> {
    return this.inFlight.track(this.run(this.parse(inbound), update));
  }

  private async run(inbound: ParsedInbound, update?: UpdateOptions): Promise<Handled | typeof REPEAT> {
    const { metrics, users, roles, sessions, log, i18n } = this.app;
    const channel = inbound.user.slice(0, inbound.user.indexOf(':'));
    const stopTimer = metrics.latency.startTimer({ channel });
    metrics.updates.inc({ channel });
    let lang: Language = inbound.langHint ?? 'vi';
    let opened = false;
    try {
      // The flood limit opens the person's turn (one round trip with their lock and session); a flood is
      // not processed at all, and its sender hears why once. The turn stamps the person's record (a
      // person who writes again is reachable again) in the session write; someone who just erased their
      // data keeps no session, so this very message does not record them again.
      // The person's role grants are read with the session: a menu that depends on them costs no extra read;
      // so is whether anything waits for them (the store looks for one key: with several sources, each is
      // asked), and the update's seen mark is set in the same step.
      const sources = this.waitingSources(inbound.user);
      const opts = {
        flood: this.app.throttleOptions,
        stamp: true,
        alsoRead: roles.grantsKey(inbound.user),
        ...(sources.length === 1 && { lookFor: sources[0]?.key }),
        ...(update && { once: update.once }),
      };
      let present: boolean | undefined;
      const turn = await sessions.turn(inbound.user, opts, async (loaded, read) => {
        opened = true;
        present = read.present;
        let message = inbound;
        if (loaded.kind === 'ok') lang = loaded.session.lang;
        else {
          // Without a readable session (expired, or left by an older version) people keep the language they chose.
          const known = (await users.get(inbound.user))?.lang;
          if (known) message = { ...inbound, langHint: (lang = known) };
        }
        const result = await this.engine.handle(loaded, message, read.also && roles.rolesIn(inbound.user, read.also));
        return { session: result.session, result: { replies: result.replies, lang: result.session?.lang } };
      });
      if (turn.verdict === 'pass') {
        const { replies, lang: kept } = turn.result;
        // A source is asked unless the store could tell that nothing waits.
        const waiting = kept && present !== false ? sources : [];
        // Someone who erased their data has no language of their own any more.
        return { replies: waiting.length ? [...(await this.waitingFor(inbound.user, waiting)), ...replies] : replies, lang: kept ?? DEFAULT_LANGUAGE };
      }
      if (turn.verdict === 'repeat') return REPEAT;
      metrics.errors.inc({ channel, kind: 'throttled' });
      return { replies: turn.verdict === 'notify' ? [{ text: i18n.t(lang, 'common.slow_down') }] : [], lang };
    } catch (err) {
      // Nothing was done yet (the update is not even marked seen): the platform delivers it again later.
      if (update?.redeliver && !opened && !(err instanceof LockTimeoutError)) throw new StoreRefusedError('the store refused the update', { cause: err });
      const outage = isStoreOutage(err);
      metrics.errors.inc({ channel, kind: outage ? 'store' : 'internal' });
      // A store that refuses writes still reads: the person hears it in the language they chose.
      lang = (await users.get(inbound.user).catch(() => undefined))?.lang ?? lang;
      const slotKind = slotErrorKind(err);
      const held = slotKind ? this.slotErrors.admit(slotKind) : 0;
      if (held !== undefined) log.error({ err, user: inbound.user, ...(slotKind && { kind: slotKind, sinceLastLine: held }) }, outage ? 'store unavailable while handling a message' : 'message handling failed');
      return { replies: [{ text: i18n.t(lang, outage ? 'common.try_again' : 'common.error') }], lang };
    } finally {
      stopTimer();
    }
  }

  /** The sources that may hold something for the person, with the key to look for it under. */
  private waitingSources(user: string): { key: string; source: WaitingSource }[] {
    return this.app.waiting.flatMap((source) => {
      const key = source.key(user);
      return key ? [{ key, source }] : [];
    });
  }

  /** What waits for the person; a source that fails keeps what it holds and the message is answered anyway. */
  private async waitingFor(user: string, sources: { source: WaitingSource }[]): Promise<Reply[]> {
    const parts = await Promise.all(
      sources.map(({ source }) =>
        source.take(user).catch((err: unknown) => {
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
