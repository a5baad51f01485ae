import { expect } from 'vitest';
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
