/**
 * A Bot API server that answers every call at once (a separate process, so its work is not counted
 * against the bot). Prints {"port":N} when listening; counts calls per method for GET /stats.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const counts: Record<string, number> = {};
let messageId = 1;
const me = { id: 1, is_bot: true, first_name: 'Bench', username: 'bench_bot' };

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
      return;
    }
    const method = /\/bot[^/]+\/(\w+)$/.exec(req.url ?? '')?.[1] ?? 'unknown';
    counts[method] = (counts[method] ?? 0) + 1;
    let result: unknown = true;
    if (method === 'getMe') result = me;
    else if (method === 'sendMessage') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { chat_id?: number; text?: string };
      if (process.env.BENCH_API_LOG) process.stderr.write(`${body.chat_id}: ${JSON.stringify(body.text).slice(0, 120)}\n`);
      result = { message_id: messageId++, date: 0, chat: { id: body.chat_id, type: 'private' }, from: me, text: body.text };
    }
    const text = JSON.stringify({ ok: true, result });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
