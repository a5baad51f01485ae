import { readdir, readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webKeys } from '../../src/channels/web/keys.js';
import { createTestApp, keysMatching, type TestApp } from '../support/app.js';
import { listen, postJson, type LocalServer } from '../support/http.js';
import { issuedWebId, webPeople } from '../support/web.js';

interface ChatReply {
  text: string;
  choices: { label: string; value: string }[];
  cite?: string;
  after?: string;
}

const all = (replies: ChatReply[]) => replies.map((r) => r.text).join('\n');

describe('web chat over HTTP with Redis sessions', () => {
  let t: TestApp;
  let http: LocalServer;
  const person = webPeople(() => http.url);
  const chat = async (name: string, body: Record<string, unknown>) => {
    const { status, json } = await postJson(`${http.url}/api/chat`, { user: await person(name), ...body });
    expect(status, JSON.stringify(json)).toBe(200);
    return json.replies as ChatReply[];
  };

  beforeAll(async () => {
    t = await createTestApp();
    http = await listen(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('greets in Vietnamese with the menu, switches to English and back, and takes a choice by number', async () => {
    const hello = await chat('lan', { text: '/start' });
    expect(all(hello)).toContain('Xin chào Anh/Chị');
    const menu = hello.at(-1) as ChatReply;
    expect(menu.choices.map((c) => c.value)).toEqual(['qa', 'learning', 'news', 'settings']);
    expect(menu.choices[0]?.label).toBe('Hỏi về kế hoạch');

    const english = await postJson(`${http.url}/api/chat`, { user: await person('lan'), text: '/lang en' });
    expect(all(english.json.replies)).toContain('Switched to English');
    expect(english.json.replies.at(-1)?.choices[0]?.label).toBe('Ask about the plans');
    // The page's own labels follow the person's language.
    expect(english.json.lang).toBe('en');

    const settingsMenu = await chat('lan', { text: '4' });
    expect(all(settingsMenu)).toContain('Settings');
    await chat('lan', { choice: 'language' });
    const back = await chat('lan', { text: 'tieng viet' });
    expect(all(back)).toContain('Đã chuyển sang tiếng Việt');
    expect(all(back)).toContain('Cài đặt');
  });

  it('answers thanks and greetings politely, and takes a language by its name', async () => {
    await chat('polite', { text: '/start' });
    const thanks = await chat('polite', { text: 'cam on ban' });
    expect(all(thanks)).toContain('không có gì');
    expect(all(thanks)).not.toContain('chưa tìm thấy');
    expect(thanks.at(-1)?.choices?.map((c) => c.value)).toContain('qa');
    expect(all(await chat('polite', { text: 'Xin chào!' }))).toContain('Xin chào Anh/Chị');
    expect(all(await chat('polite', { text: '/lang english' }))).toContain('Switched to English');
    expect(all(await chat('polite', { text: '/lang tiếng việt' }))).toContain('Đã chuyển sang tiếng Việt');
  });

  it('keeps each person their own conversation', async () => {
    await chat('a1', { text: '/lang en' });
    const other = await chat('b1', { text: '/start' });
    expect(all(other)).toContain('Xin chào');
  });

  it('answers malformed requests with 400 and a JSON error, and changes nothing', async () => {
    const strict = await person('strict');
    await chat('strict', { text: '/start' });
    const before = await t.app.sessions.get(`web:${strict}`);
    const cases: [unknown, RegExp][] = [
      [`{"user":"${strict}","text":`, /not valid JSON/],
      ['[1,2]', /expected object/],
      [{ user: strict, text: 5 }, /text must be a string/],
      [{ user: strict }, /either text or choice/],
      [{ user: strict, text: 'a', choice: 'b' }, /either text or choice/],
      [{ user: 'x'.repeat(129), text: 'hi' }, /at most 128/],
      [{ user: '', text: 'hi' }, /must not be empty/],
      [{ user: strict, text: 'hi', lang: 'fr' }, /lang/],
    ];
    for (const [body, error] of cases) {
      const { status, json } = await postJson(`${http.url}/api/chat`, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error).toMatch(error);
    }
    expect(await t.app.sessions.get(`web:${strict}`)).toEqual(before);
  });

  it('keeps the language a person chose when their session expired or was left by an older version', async () => {
    const anh = await person('anh');
    await chat('anh', { text: '/lang en' });
    await t.app.redis.set(`${t.prefix}s:{u:web:${anh}}`, JSON.stringify({ version: 0, state: 'MENU' }));
    const reset = await chat('anh', { text: 'hello' });
    expect(all(reset)).toContain('previous conversation was interrupted');
    expect(reset.at(-1)?.choices[0]?.label).toBe('Ask about the plans');
    await t.app.redis.del(`${t.prefix}s:{u:web:${anh}}`);
    expect(all(await chat('anh', { text: '/start', lang: 'vi' }))).toContain('Hello');
  });

  it('ignores keys it does not know and greets a newcomer in the page language', async () => {
    const replies = await chat('kiosk', { text: '/start', lang: 'en', client: 'kiosk' });
    expect(all(replies)).toContain('Hello');
    expect(await t.app.sessions.get(`web:${await person('kiosk')}`)).toMatchObject({ kind: 'ok', session: { lang: 'en' } });
  });

  it('refuses a body over 64 KB with 413 and keeps serving', async () => {
    const res = await fetch(`${http.url}/api/chat`, { method: 'POST', body: JSON.stringify({ user: await person('big'), text: 'x'.repeat(1_000_000) }) });
    expect(res.status).toBe(413);
    expect((await chat('big', { text: '/start' })).length).toBeGreaterThan(0);
  });

  it('replies to a 10,000-character message, unknown commands and unknown choices', async () => {
    expect(all(await chat('odd', { text: 'á'.repeat(10_000) }))).toContain('dài quá');
    expect(all(await chat('odd', { text: '/nope' }))).toContain('không biết lệnh');
    expect(all(await chat('odd', { choice: 'nope' }))).toContain('câu hỏi trước');
  });

  it('sets an answer’s source apart as a citation', async () => {
    await chat('reader', { text: '/start' });
    const replies = await chat('reader', { text: 'Tuần lễ học tập suốt đời tổ chức khi nào?' });
    const answer = replies.find((r) => r.text.includes('1/10'));
    expect(answer?.cite, JSON.stringify(replies)).toMatch(/^Nguồn: /);
    expect(answer?.text).not.toContain('Nguồn: ');
    expect(answer?.after).toContain('hỏi câu khác');
  });

  it('serves the chat page, its icon, health, metrics, and 404/405 for the rest', async () => {
    const page = await fetch(`${http.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Nhập tin nhắn');
    expect(await (await fetch(`${http.url}/?lang=en`)).text()).toContain('Type a message');
    const icon = await fetch(`${http.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/x-icon');
    const health = await fetch(`${http.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', store: 'redis' });
    const metrics = await (await fetch(`${http.url}/metrics`)).text();
    expect(metrics).toMatch(/xhht_updates_total\{channel="web"\} \d+/);
    expect(metrics).toContain('xhht_handler_seconds_bucket');
    expect((await fetch(`${http.url}/nope`)).status).toBe(404);
    expect((await fetch(`${http.url}/api/chat`)).status).toBe(405);
  });
});

describe('web-chat identities are issued by the server', () => {
  let t: TestApp;
  let http: LocalServer;
  beforeAll(async () => {
    t = await createTestApp({ env: { WEB_SESSIONS_PER_HOUR: '3' } });
    http = await listen(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('refuses an id it did not issue with 401 on every route, and changes nothing of that person', async () => {
    // citB registered through some earlier, trusting version of the page.
    await t.send('web:citB', '/start');
    await t.send('web:citB', '/lang en');
    await t.app.senders.get('web')?.send('citB', [{ text: 'Tin riêng của citB' }]);
    const before = { session: await t.app.sessions.get('web:citB'), history: await t.app.redis.lrange(webKeys(t.prefix).history('web:citB'), 0, -1) };
    const issued = await issuedWebId(http.url);
    const forged = [
      'citB',
      `${issued.slice(0, -3)}${issued.endsWith('AAA') ? 'BBB' : 'AAA'}`,
      `w${'A'.repeat(22)}.${'A'.repeat(22)}`,
    ];
    for (const user of forged) {
      for (const [path, body] of [
        ['/api/chat', { user, text: '/mydata' }],
        ['/api/chat', { user, text: '/deletedata' }],
        ['/api/chat', { user, choice: 'yes' }],
        ['/api/chat/history', { user }],
        ['/api/chat/live', { user }],
      ] as const) {
        const res = await postJson(`${http.url}${path}`, body);
        expect(res.status, `${path} ${user}`).toBe(401);
        expect(JSON.stringify(res.json)).not.toContain('Tin riêng');
      }
      const upload = await fetch(`${http.url}/api/chat/upload`, { method: 'POST', headers: { 'x-chat-user': user }, body: await readFile(join(import.meta.dirname, '../fixtures/certificate.png')) });
      expect(upload.status).toBe(401);
    }
    expect({ session: await t.app.sessions.get('web:citB'), history: await t.app.redis.lrange(webKeys(t.prefix).history('web:citB'), 0, -1) }).toEqual(before);
    expect(await keysMatching(t.app.redis, `${t.prefix}web:file*`)).toEqual([]);
    // The id never travels in an address: the old inbox that took ?user= is gone.
    expect((await fetch(`${http.url}/api/chat/inbox?user=citB`)).status).toBe(404);
  });

  it('issues ids of 128 random bits that differ each time, that its twin instance accepts and another secret refuses', async () => {
    const [a, b] = [await issuedWebId(http.url), await issuedWebId(http.url)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^w[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    // A second instance on the same Redis uses the secret the first one kept there.
    const twin = await createTestApp({ env: { REDIS_PREFIX: t.prefix } });
    const twinHttp = await listen(twin.app);
    const other = await createTestApp({ env: { WEB_SECRET: 'another-deployment-secret-of-32-chars!!' } });
    const otherHttp = await listen(other.app);
    try {
      expect((await postJson(`${twinHttp.url}/api/chat`, { user: a, text: '/start' })).status).toBe(200);
      expect((await postJson(`${otherHttp.url}/api/chat`, { user: a, text: '/start' })).status).toBe(401);
      expect((await postJson(`${otherHttp.url}/api/chat`, { user: await issuedWebId(otherHttp.url), text: '/start' })).status).toBe(200);
    } finally {
      await Promise.all([twinHttp.close(), otherHttp.close()]);
      await other.close();
      await twin.app.stop();
    }
  });

  it('limits new identities per client address and ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    // Three were issued above, as many as an address gets in an hour; another address written by the client changes nothing.
    const refused = await fetch(`${http.url}/api/chat/session`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' }, body: '{}' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);

    const proxied = await createTestApp({ env: { WEB_SESSIONS_PER_HOUR: '1', TRUST_PROXY: 'true' } });
    const proxiedHttp = await listen(proxied.app);
    try {
      const from = (addr: string) => fetch(`${proxiedHttp.url}/api/chat/session`, { method: 'POST', headers: { 'x-forwarded-for': `10.9.9.9, ${addr}` }, body: '{}' });
      expect((await from('198.51.100.1')).status).toBe(200);
      expect((await from('198.51.100.1')).status).toBe(429);
      // The proxy's own entry counts, not what the client wrote before it.
      expect((await from('198.51.100.2')).status).toBe(200);
    } finally {
      await proxiedHttp.close();
      await proxied.close();
    }
  });

  it('WEB_CHAT=off turns the page and its API off', async () => {
    const off = await createTestApp({ env: { WEB_CHAT: 'off' } });
    const offHttp = await listen(off.app);
    try {
      for (const path of ['/api/chat/session', '/api/chat', '/api/chat/history']) expect((await postJson(`${offHttp.url}${path}`, {})).status).toBe(404);
      expect((await fetch(`${offHttp.url}/`)).status).toBe(404);
      expect((await fetch(`${offHttp.url}/healthz`)).status).toBe(200);
    } finally {
      await offHttp.close();
      await off.close();
    }
  });
});

describe('web chat history, live messages, uploads and erasure', () => {
  let t: TestApp;
  let http: LocalServer;
  const uploadDir = mkdtempSync(join(tmpdir(), 'xhht-uploads-'));
  const png = () => readFile(join(import.meta.dirname, '../fixtures/certificate.png'));
  const chat = async (user: string, body: Record<string, unknown>) => {
    const { status, json } = await postJson(`${http.url}/api/chat`, { user, ...body });
    expect(status, JSON.stringify(json)).toBe(200);
    return json as { replies: ChatReply[]; updated?: boolean };
  };
  const historyOf = async (user: string) => {
    const { status, json } = await postJson(`${http.url}/api/chat/history`, { user });
    expect(status).toBe(200);
    return json.messages as { from: string; text: string; choices: ChatReply['choices']; at: number; media?: { kind: string; url: string }[] }[];
  };
  const upload = (user: string, body: Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${http.url}/api/chat/upload`, { method: 'POST', headers: { 'x-chat-user': user, ...headers }, body });
  const stored = async () => ({ files: await readdir(uploadDir).catch(() => []), keys: await keysMatching(t.app.redis, `${t.prefix}web:file*`) });

  beforeAll(async () => {
    t = await createTestApp({ env: { WEB_UPLOAD_DIR: uploadDir, WEB_UPLOAD_MAX_MB: '1' } });
    http = await listen(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('keeps what the person sent and what the bot said, with times and the pressed button’s label', async () => {
    const user = await issuedWebId(http.url);
    expect(await historyOf(user)).toEqual([]);
    await chat(user, { text: '/start' });
    await chat(user, { choice: 'settings' });
    const messages = await historyOf(user);
    expect(messages[0]).toMatchObject({ from: 'user', text: '/start', choices: [] });
    expect(messages[1]).toMatchObject({ from: 'bot', text: expect.stringContaining('Xin chào') });
    expect(messages.find((m, i) => i > 1 && m.from === 'user')?.text).toBe('Cài đặt');
    expect(messages.at(-1)).toMatchObject({ from: 'bot', text: expect.stringContaining('Cài đặt') });
    expect(messages.at(-1)?.choices.length).toBeGreaterThan(0);
    for (const m of messages) expect(Math.abs(m.at - Date.now())).toBeLessThan(60_000);
  });

  it('keeps nothing of an erasure, even when the history had already expired', async () => {
    const user = await issuedWebId(http.url);
    await chat(user, { text: '/start' });
    await chat(user, { text: '/deletedata' });
    await t.app.redis.del(webKeys(t.prefix).history(`web:${user}`));
    expect(all((await chat(user, { choice: 'yes' })).replies)).toContain('Đã xóa');
    expect(await t.app.redis.exists(webKeys(t.prefix).history(`web:${user}`))).toBe(0);
  });

  it('keeps the last 200 messages', async () => {
    const user = await issuedWebId(http.url);
    for (let i = 0; i < 110; i++) await chat(user, { text: '/help' });
    const messages = await historyOf(user);
    expect(messages).toHaveLength(200);
    expect(messages.at(-1)?.from).toBe('bot');
  });

  it('hands a proactive message to an open page at once and keeps it for a closed one', async () => {
    const user = await issuedWebId(http.url);
    await chat(user, { text: '/start' });
    const stream = await fetch(`${http.url}/api/chat/live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += value;
      }
    };
    await until('event: ready');
    await t.app.senders.get('web')?.send(user.slice(0), [{ text: 'Tuần lễ học tập khai mạc 1/10' }]);
    await until('Tuần lễ học tập khai mạc 1/10');
    await reader.cancel();
    expect((await historyOf(user)).at(-1)).toMatchObject({ from: 'bot', text: 'Tuần lễ học tập khai mạc 1/10' });
  });

  it('redraws a ticked box in place instead of posting the question again', async () => {
    const user = await issuedWebId(http.url);
    // A person of the learning flow at the indicators step.
    await t.send(`web:${user}`, '/menu');
    const steps: Record<string, unknown>[] = [{ choice: 'learning' }, { choice: 'yes' }, { text: 'Nguyễn Văn An' }, { text: '1985' }, { text: 'son la' }];
    for (const s of steps) await chat(user, s);
    const communes = await chat(user, { text: 'to hieu' });
    const commune = communes.replies.flatMap((r) => r.choices).find((c) => c.label.includes('Tô Hiệu'))?.value as string;
    for (const s of [{ choice: commune }, { choice: 'resident' }, { text: '0912 345 678' }, { choice: 'log' }, { text: '15/03/2026' }, { choice: 'course' }, { text: 'Lớp kỹ năng số' }]) await chat(user, s);
    const ask = await chat(user, { text: '2' });
    const toggles = ask.replies.at(-1)?.choices ?? [];
    expect(toggles.length).toBeGreaterThan(5);
    const before = (await historyOf(user)).length;
    const ticked = await chat(user, { choice: toggles[0]?.value as string });
    expect(ticked.updated).toBe(true);
    expect(ticked.replies).toHaveLength(1);
    expect(ticked.replies[0]?.choices[0]?.label).not.toBe(toggles[0]?.label);
    const after = await historyOf(user);
    expect(after).toHaveLength(before);
    expect(after.at(-1)?.choices[0]?.label).toBe(ticked.replies[0]?.choices[0]?.label);
    // Another answer with the same buttons is a new message: the menu after "Xong" is not a tick.
    await chat(user, { choice: 'done' });
    await chat(user, { choice: 'skip' });
    const menuBefore = (await historyOf(user)).length;
    const list = await chat(user, { choice: 'list' });
    expect(list.updated).toBeUndefined();
    expect((await historyOf(user)).length).toBeGreaterThan(menuBefore);
  });

  it('takes a photo as evidence, checked by its bytes, and serves it only through a signed link', async () => {
    const user = await issuedWebId(http.url);
    const send = (s: Record<string, unknown>) => chat(user, s);
    await t.send(`web:${user}`, '/menu');
    for (const s of [{ choice: 'learning' }, { choice: 'yes' }, { text: 'Lò Văn Bình' }, { text: '1990' }, { text: 'son la' }]) await send(s);
    const communes = await send({ text: 'to hieu' });
    const commune = communes.replies.flatMap((r) => r.choices).find((c) => c.label.includes('Tô Hiệu'))?.value as string;
    for (const s of [{ choice: commune }, { choice: 'resident' }, { text: '0912 345 679' }, { choice: 'log' }, { text: '15/03/2026' }, { choice: 'course' }, { text: 'Lớp kỹ năng số' }, { text: '2' }]) await send(s);
    expect(all((await send({ text: '1 3' })).replies)).toContain('minh chứng');

    // Refused: nothing is written to disk or Redis.
    const nothing = await stored();
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const refusals: [Uint8Array, Record<string, string>, number][] = [
      [gif, { 'x-file-name': 'anh.png', 'content-type': 'image/png' }, 415],
      [Buffer.from('<script>alert(1)</script>'), { 'x-file-name': 'a.pdf' }, 415],
      [Buffer.alloc(0), {}, 400],
      [Buffer.concat([await png(), Buffer.alloc(1024 * 1024)]), {}, 413],
    ];
    for (const [body, headers, status] of refusals) {
      const res = await upload(user, body, headers);
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(((await res.json()) as { error?: string }).error).toBeTruthy();
    }
    expect(await stored()).toEqual(nothing);

    const res = await upload(user, await png(), { 'x-file-name': encodeURIComponent('chứng nhận.png') });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { replies: ChatReply[]; sent: { media: { url: string }[] } };
    expect(all(answer.replies)).toContain('Đã lưu: Lớp kỹ năng số');
    expect((await stored()).files).toHaveLength(1);
    const link = answer.sent.media[0]?.url as string;
    expect(link).toMatch(/^\/api\/chat\/files\//);
    expect(link).not.toContain(user);
    const file = await fetch(`${http.url}${link}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(await png())).toBe(true);
    // A link with a changed signature or expiry opens nothing.
    const [id, expires] = link.slice('/api/chat/files/'.length).split('.');
    expect((await fetch(`${http.url}/api/chat/files/${id}.${Number(expires) + 1000}.${'A'.repeat(22)}`)).status).toBe(404);
    expect((await fetch(`${http.url}/api/chat/files/${id}`)).status).toBe(404);
    // The person finds the photo in their history, and /mydata counts it.
    expect((await historyOf(user)).some((m) => m.from === 'user' && m.media?.[0]?.kind === 'photo')).toBe(true);
    expect(all((await send({ text: '/mydata' })).replies)).toContain('1 ảnh/tệp');

    // A PDF is taken too, and downloaded rather than opened.
    const pdf = await upload(user, Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1'), { 'x-file-name': 'giay-khen.pdf' });
    expect(pdf.status).toBe(200);
    const pdfLink = ((await pdf.json()) as { sent: { media: { kind: string; url: string }[] } }).sent.media[0];
    expect(pdfLink?.kind).toBe('document');
    const pdfFile = await fetch(`${http.url}${pdfLink?.url}`);
    expect(pdfFile.headers.get('content-type')).toBe('application/pdf');
    expect(pdfFile.headers.get('content-disposition')).toMatch(/^attachment/);
    expect((await stored()).files).toHaveLength(2);

    // /deletedata erases the history, the files and their records; its own exchange is not kept either.
    await send({ text: '/deletedata' });
    expect(all((await send({ choice: 'yes' })).replies)).toContain('Đã xóa');
    expect(await historyOf(user)).toEqual([]);
    expect(await stored()).toEqual(nothing);
    expect((await fetch(`${http.url}${link}`)).status).toBe(404);
  });
});
