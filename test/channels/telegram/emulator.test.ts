import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { TelegramEmulator } from '../../support/telegram-emulator.js';

/** The webhook tests rely on the emulator treating a webhook response as Telegram does. */
it('makes the Bot API call a webhook response carries, and refuses a body that is not one', async () => {
  const bodies: [type: string, body: string][] = [
    ['application/json', '{"method":"sendMessage","chat_id":5,"text":"hi"}'],
    ['application/json', '{"chat_id":5,"text":"no method"}'],
    ['application/json', '{"method":"sendMessage","chat_id":5,'],
    ['application/json', '[{"method":"sendMessage","chat_id":5,"text":"a list"}]'],
    ['text/plain', '{"method":"sendMessage","chat_id":5,"text":"not JSON by its type"}'],
    ['application/json', '{"method":"sendMessage","chat_id":5}'],
    ['application/json', '{"method":"sendMessages","chat_id":5,"text":"no such method"}'],
  ];
  let next = 0;
  const server = createServer((_req, res) => {
    const [type, body] = bodies[next++]!;
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const emu = await TelegramEmulator.start();
  try {
    emu.webhook = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
    for (const _ of bodies) expect((await emu.post({ update_id: 1 }, undefined)).status).toBe(200);
    expect(emu.sentTo(5).map((s) => s.text)).toEqual(['hi']);
    expect(emu.calls.map((c) => [c.method, c.status, c.via])).toEqual([
      ['sendMessage', 200, 'webhook-response'],
      ...Array.from({ length: 4 }, () => ['(invalid)', 400, 'webhook-response']),
      ['sendMessage', 400, 'webhook-response'],
      ['sendMessages', 400, 'webhook-response'],
    ]);
  } finally {
    await emu.close();
    server.close();
  }
});
