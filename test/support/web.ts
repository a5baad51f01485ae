import { expect } from 'vitest';
import type { App } from '../../src/app/app.js';
import { historyEntrySchema } from '../../src/channels/web/history.js';
import { webKeys } from '../../src/channels/web/keys.js';
import type { Reply } from '../../src/core/message.js';
import { postJson } from './http.js';

/** A web-chat identity issued by the server under test, as the page gets one. */
export async function issuedWebId(url: string): Promise<string> {
  const { status, json } = await postJson(`${url}/api/chat/session`, {});
  expect(status, JSON.stringify(json)).toBe(200);
  return json.user as string;
}

/**
 * Names a test uses for its people ("lan", "officer"), each mapped on first use to an id the server
 * issued: the web chat refuses ids it did not issue.
 */
export function webPeople(url: () => string): (name: string) => Promise<string> {
  const ids = new Map<string, Promise<string>>();
  return (name) => {
    let id = ids.get(name);
    if (!id) ids.set(name, (id = issuedWebId(url())));
    return id;
  };
}

/**
 * The proactive messages a web-chat user was sent since the last look, as the page's history holds them
 * (in-process tests talk to the bot directly, so their history holds only proactive messages); the look
 * clears them.
 */
export async function takeWebMessages(app: App, user: string): Promise<Reply[]> {
  const key = webKeys(app.prefix).history(user.startsWith('web:') ? user : `web:${user}`);
  const [[, items]] = (await app.redis.multi().lrange(key, 0, -1).del(key).exec()) as [[unknown, string[]]];
  return items.map((raw) => {
    const { from: _from, at: _at, ...reply } = historyEntrySchema.parse(JSON.parse(raw));
    return reply;
  });
}
