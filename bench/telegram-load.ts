/**
 * The load: simulated Telegram users, each walking the settings flow (menu → settings → language →
 * English → back → settings by number → language → Vietnamese → /menu, and round again), as typed
 * messages and button presses posted to a webhook by autocannon. Users take turns, so with far more
 * users than connections a user's next update leaves only after the previous one was answered.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';

export const USERS = 1_000;

type Step = { text: string } | { button: string };
const FIRST: Step = { text: '/start' };
const ROUND: Step[] = [
  { button: 'settings' },
  { button: 'language' },
  { text: '2' },
  { button: 'back' },
  { text: '4' },
  { button: 'language' },
  { button: 'vi' },
  { text: '/menu' },
];

export interface LoadResult {
  updates: number;
  non2xx: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
  /** Bot API calls made by returning them in a webhook response, by method (as Telegram would make them). */
  inResponse: Record<string, number>;
}

/** Counts the Bot API call a webhook response body carries, if any. */
function countCallIn(body: string, into: Record<string, number>): void {
  if (!body) return;
  const method = (JSON.parse(body) as { method?: unknown }).method;
  const name = typeof method === 'string' ? method : '(invalid)';
  into[name] = (into[name] ?? 0) + 1;
}

/** Makes update bodies: update ids grow from `firstUpdateId` (never reused: the bot drops repeats), each user advances one step per update. */
export function walker(firstUserId: number, firstUpdateId: number) {
  let updateId = firstUpdateId;
  let turn = 0;
  const progress = new Uint32Array(USERS);
  return (): string => {
    const u = turn++ % USERS;
    const n = progress[u]!++;
    const step = n === 0 ? FIRST : (ROUND[(n - 1) % ROUND.length] as Step);
    const id = firstUserId + u;
    const from = { id, is_bot: false, first_name: `User ${u}`, language_code: 'vi' };
    const chat = { id, type: 'private', first_name: from.first_name };
    const uid = updateId++;
    const update =
      'text' in step
        ? { update_id: uid, message: { message_id: uid, date: 1_760_000_000, from, chat, text: step.text } }
        : { update_id: uid, callback_query: { id: String(uid), from, chat_instance: String(id), data: step.button, message: { message_id: uid - 1, date: 1_760_000_000, chat } } };
    return JSON.stringify(update);
  };
}

/** Posts updates for `seconds` over `connections` keep-alive connections, each as soon as the previous is answered; only 127.0.0.1. */
export async function load(url: string, secret: string, opts: { seconds: number; connections: number; next: () => string }): Promise<LoadResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error('the benchmark only targets 127.0.0.1');
  const latenciesMs: number[] = [];
  const inResponse: Record<string, number> = {};
  let updates = 0;
  let non2xx = 0;
  const instance = autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: opts.next() }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) countCallIn(body, inResponse);
        },
      },
    ],
    timeout: 10,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) {
      updates++;
      latenciesMs.push(ms);
    } else non2xx++;
  });
  const result = await instance;
  return { updates, non2xx, errors: result.errors + result.timeouts, seconds: result.duration, latenciesMs, inResponse };
}

/**
 * Posts updates at a steady `rate` per second (an open loop: an update is sent when it is due, not
 * when the previous one is answered), over at most `connections` connections; only 127.0.0.1.
 * autocannon's own rate option sends each second's quota in a burst, which measures the burst.
 */
export async function paced(url: string, secret: string, opts: { seconds: number; rate: number; connections: number; next: () => string }): Promise<LoadResult> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error('the benchmark only targets 127.0.0.1');
  const pool = new Pool(target.origin, { connections: opts.connections, pipelining: 1 });
  const latenciesMs: number[] = [];
  const inResponse: Record<string, number> = {};
  let updates = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const started = performance.now();
  const end = started + opts.seconds * 1000;
  const post = async (body: string) => {
    const at = performance.now();
    try {
      const res = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        countCallIn(text, inResponse);
        updates++;
        latenciesMs.push(performance.now() - at);
      } else non2xx++;
    } catch {
      errors++;
    }
  };
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) * opts.rate) / 1000) - sent;
    for (let i = 0; i < due; i++, sent++) {
      const p = post(opts.next());
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  await pool.close();
  return { updates, non2xx, errors, seconds: (performance.now() - started) / 1000, latenciesMs, inResponse };
}
