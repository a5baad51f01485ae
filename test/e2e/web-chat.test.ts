import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { listen, postJson } from '../support/http.js';

interface ChatReply {
  text: string;
  choices: { label: string; value: string }[];
}

describe('web chat over HTTP with Redis sessions', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  const chat = async (body: unknown) => {
    const { status, json } = await postJson(`${http.url}/api/chat`, body);
    expect(status).toBe(200);
    return json.replies as ChatReply[];
  };
  const all = (replies: ChatReply[]) => replies.map((r) => r.text).join('\n');

  beforeAll(async () => {
    t = await createTestApp();
    http = await listen(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('greets in Vietnamese with the menu, switches to English and back, and takes a choice by number', async () => {
    const hello = await chat({ user: 'lan', text: '/start' });
    expect(all(hello)).toContain('Xin chào Anh/Chị');
    const menu = hello.at(-1) as ChatReply;
    expect(menu.choices.map((c) => c.value)).toEqual(['qa', 'learning', 'news', 'settings']);
    expect(menu.choices[0]?.label).toBe('Hỏi về kế hoạch');

    const english = await chat({ user: 'lan', text: '/lang en' });
    expect(all(english)).toContain('Switched to English');
    expect(english.at(-1)?.choices[0]?.label).toBe('Ask about the plans');

    const settingsMenu = await chat({ user: 'lan', text: '4' });
    expect(all(settingsMenu)).toContain('Settings');
    await chat({ user: 'lan', choice: 'language' });
    const back = await chat({ user: 'lan', text: 'tieng viet' });
    expect(all(back)).toContain('Đã chuyển sang tiếng Việt');
    expect(all(back)).toContain('Cài đặt');
  });

  it('answers thanks and greetings politely, and takes a language by its name', async () => {
    await chat({ user: 'polite', text: '/start' });
    const thanks = await chat({ user: 'polite', text: 'cam on ban' });
    expect(all(thanks)).toContain('không có gì');
    expect(all(thanks)).not.toContain('chưa tìm thấy');
    expect(thanks.at(-1)?.choices?.map((c) => c.value)).toContain('qa');
    expect(all(await chat({ user: 'polite', text: 'Xin chào!' }))).toContain('Xin chào Anh/Chị');
    expect(all(await chat({ user: 'polite', text: '/lang english' }))).toContain('Switched to English');
    expect(all(await chat({ user: 'polite', text: '/lang tiếng việt' }))).toContain('Đã chuyển sang tiếng Việt');
  });

  it('keeps each person their own conversation', async () => {
    await chat({ user: 'a1', text: '/lang en' });
    const other = await chat({ user: 'b1', text: '/start' });
    expect(all(other)).toContain('Xin chào');
  });

  it('answers malformed requests with 400 and a JSON error, and changes nothing', async () => {
    await chat({ user: 'strict', text: '/start' });
    const before = await t.app.sessions.get('web:strict');
    const cases: [unknown, RegExp][] = [
      ['{"user":"strict","text":', /not valid JSON/],
      ['[1,2]', /expected object/],
      [{ user: 'strict', text: 5 }, /text must be a string/],
      [{ user: 'strict' }, /either text or choice/],
      [{ user: 'strict', text: 'a', choice: 'b' }, /either text or choice/],
      [{ user: 'x'.repeat(129), text: 'hi' }, /at most 128/],
      [{ user: '', text: 'hi' }, /must not be empty/],
      [{ user: 'has space', text: 'hi' }, /must not contain spaces/],
      [{ user: 'strict', text: 'hi', lang: 'fr' }, /lang/],
    ];
    for (const [body, error] of cases) {
      const { status, json } = await postJson(`${http.url}/api/chat`, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error).toMatch(error);
    }
    expect(await t.app.sessions.get('web:strict')).toEqual(before);
  });

  it('keeps the language a person chose when their session expired or was left by an older version', async () => {
    await chat({ user: 'anh', text: '/lang en' });
    await t.app.redis.set(`${t.prefix}s:{u:web:anh}`, JSON.stringify({ version: 0, state: 'MENU' }));
    const reset = await chat({ user: 'anh', text: 'hello' });
    expect(all(reset)).toContain('previous conversation was interrupted');
    expect(reset.at(-1)?.choices[0]?.label).toBe('Ask about the plans');
    await t.app.redis.del(`${t.prefix}s:{u:web:anh}`);
    expect(all(await chat({ user: 'anh', text: '/start', lang: 'vi' }))).toContain('Hello');
  });

  it('takes any id without spaces, ignores keys it does not know and greets a newcomer in the page language', async () => {
    const replies = await chat({ user: 'khach:01@tinh.vn', text: '/start', lang: 'en', client: 'kiosk' });
    expect(all(replies)).toContain('Hello');
    expect(await t.app.sessions.get('web:khach:01@tinh.vn')).toMatchObject({ kind: 'ok', session: { lang: 'en' } });
  });

  it('refuses a body over 64 KB with 413 and keeps serving', async () => {
    const res = await fetch(`${http.url}/api/chat`, { method: 'POST', body: JSON.stringify({ user: 'big', text: 'x'.repeat(1_000_000) }) });
    expect(res.status).toBe(413);
    expect((await chat({ user: 'big', text: '/start' })).length).toBeGreaterThan(0);
  });

  it('replies to a 10,000-character message, unknown commands and unknown choices', async () => {
    expect(all(await chat({ user: 'odd', text: 'á'.repeat(10_000) }))).toContain('dài quá');
    expect(all(await chat({ user: 'odd', text: '/nope' }))).toContain('không biết lệnh');
    expect(all(await chat({ user: 'odd', choice: 'nope' }))).toContain('câu hỏi trước');
  });

  it('delivers proactive messages to the page through the inbox', async () => {
    await chat({ user: 'inbox', text: '/start' });
    const sender = t.app.senders.get('web');
    expect(await sender?.send('inbox', [{ text: 'Tuần lễ học tập khai mạc 1/10' }])).toEqual({ status: 'sent' });
    const first = (await (await fetch(`${http.url}/api/chat/inbox?user=inbox`)).json()) as { replies: ChatReply[] };
    expect(first.replies.map((r: ChatReply) => r.text)).toEqual(['Tuần lễ học tập khai mạc 1/10']);
    const again = (await (await fetch(`${http.url}/api/chat/inbox?user=inbox`)).json()) as { replies: ChatReply[] };
    expect(again.replies).toEqual([]);
    expect((await fetch(`${http.url}/api/chat/inbox?user=`)).status).toBe(400);
  });

  it('serves the chat page, health, metrics, and 404/405 for the rest', async () => {
    const page = await fetch(`${http.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Nhập tin nhắn');
    expect(await (await fetch(`${http.url}/?lang=en`)).text()).toContain('Type a message');
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

describe('web inbox and personal data', () => {
  it('counts unread proactive messages in /mydata and drops them with /deletedata', async () => {
    const t = await createTestApp();
    try {
      await t.send('web:reader', '/start');
      await t.app.senders.get('web')?.send('reader', [{ text: 'Tin 1' }, { text: 'Tin 2' }]);
      expect(textOf(await t.send('web:reader', '/mydata'))).toContain('2 tin nhắn đang chờ');
      await t.send('web:reader', '/deletedata');
      await t.send('web:reader', { choice: 'yes' });
      expect(await t.app.redis.exists(`${t.prefix}web:outbox:{u:web:reader}`)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
