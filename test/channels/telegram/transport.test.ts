import { createServer } from 'node:http';
import { Input, TelegramError } from 'telegraf';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PooledTelegram } from '../../../src/channels/telegram/transport.js';
import { listenLocal, type LocalServer } from '../../support/http.js';

/** A Bot API behind a path prefix that records what reaches it and answers as told per method. */
const received: { path: string; type: string; body: string }[] = [];
let api: LocalServer;
let telegram: PooledTelegram;
const TOKEN = '123:secret-token';

beforeAll(async () => {
  api = await listenLocal(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        received.push({ path, type: req.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') });
        const method = path.split('/').at(-1);
        const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (method === 'sendMessage') json(200, { ok: true, result: { message_id: 7, date: 0, chat: { id: 5, type: 'private' }, text: 'hi' } });
        else if (method === 'answerCallbackQuery') json(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
        else if (method === 'deleteMessage') res.writeHead(502).end('bad gateway');
        else if (method === 'sendDocument') json(200, { ok: true, result: { message_id: 8, date: 0, chat: { id: 5, type: 'private' } } });
        else json(404, { ok: false, error_code: 404, description: 'Not Found' });
      });
    }),
  );
  // The API root has a path, as behind a proxy: methods resolve under it, as telegraf resolves them.
  telegram = new PooledTelegram(TOKEN, { apiRoot: `${api.url}/tg/`, webhookReply: false });
});
afterAll(async () => {
  await telegram.disconnect();
  await api.close();
});

it('posts a JSON call under the API root and returns its result; options left empty are not sent', async () => {
  received.length = 0;
  const sent = await telegram.sendMessage(5, 'hi', { parse_mode: 'HTML', reply_markup: undefined });
  expect(sent.message_id).toBe(7);
  expect(received).toHaveLength(1);
  expect(received[0]?.path).toBe(`/tg/bot${TOKEN}/sendMessage`);
  expect(received[0]?.type).toBe('application/json');
  expect(JSON.parse(received[0]?.body ?? '')).toEqual({ chat_id: 5, text: 'hi', parse_mode: 'HTML' });
});

it("turns a refusal into telegraf's TelegramError, with the wait a 429 asks for", async () => {
  const refused = await telegram.answerCbQuery('q1').catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(TelegramError);
  expect((refused as TelegramError).code).toBe(429);
  expect((refused as TelegramError).parameters?.retry_after).toBe(3);
  // A server error names its status, as telegraf's own client does.
  const broken = await telegram.deleteMessage(5, 1).catch((err: unknown) => err);
  expect(broken).toBeInstanceOf(TelegramError);
  expect([(broken as TelegramError).code, (broken as TelegramError).description]).toEqual([502, 'Bad Gateway']);
});

it("sends an upload through telegraf's multipart path", async () => {
  received.length = 0;
  await telegram.sendDocument(5, Input.fromBuffer(Buffer.from('a,b\n1,2\n'), 'figures.csv'));
  expect(received[0]?.path).toBe(`/tg/bot${TOKEN}/sendDocument`);
  expect(received[0]?.type).toMatch(/^multipart\/form-data; boundary=/);
  expect(received[0]?.body).toContain('figures.csv');
});
