import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonBody } from '../../src/http/body.js';
import { HttpError } from '../../src/http/errors.js';
import { createHttp, SERVER_TO_SERVER, type Http } from '../../src/http/server.js';
import { createLogger } from '../../src/core/logger.js';

describe('the HTTP layer (fastify), through inject()', () => {
  let http: Http;
  beforeAll(async () => {
    http = createHttp(createLogger('silent'));
    http.post('/echo', async (req) => jsonBody(req, z.object({ n: z.number({ error: 'n must be a number' }) })));
    http.get('/files/:name', async (req) => ({ name: (req.params as { name: string }).name }));
    http.get('/maybe/:name', async (_req, reply) => reply.callNotFound());
    http.post('/webhooks/platform', SERVER_TO_SERVER, async () => ({ ok: true }));
    http.get('/teapot', async () => {
      throw new HttpError(418, 'short and stout');
    });
    http.get('/broken', async () => {
      throw new Error('secret detail');
    });
    await http.ready();
  });
  afterAll(() => http.close());

  it('parses a JSON body with its schema whatever the declared type, and names the wrong field', async () => {
    const ok = await http.inject({ method: 'POST', url: '/echo', payload: '{"n":1}', headers: { 'content-type': 'text/plain' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ n: 1 });
    const wrong = await http.inject({ method: 'POST', url: '/echo', payload: { n: 'one' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toEqual({ error: 'n: n must be a number' });
    const broken = await http.inject({ method: 'POST', url: '/echo', payload: '{"n":' });
    expect(broken.json()).toEqual({ error: 'body is not valid JSON' });
  });

  it('answers 404 for an unknown path, 405 for a known one with another method, as JSON', async () => {
    const missing = await http.inject({ method: 'GET', url: '/nope' });
    expect([missing.statusCode, missing.json()]).toEqual([404, { error: 'not found' }]);
    const wrongMethod = await http.inject({ method: 'GET', url: '/echo' });
    expect([wrongMethod.statusCode, wrongMethod.json()]).toEqual([405, { error: 'method not allowed' }]);
    expect((await http.inject({ method: 'DELETE', url: '/files/a.pdf' })).statusCode).toBe(405);
    expect((await http.inject({ method: 'GET', url: '/files/a/b' })).statusCode).toBe(404);
    // A route of the right method that finds nothing says 404, not 405.
    expect((await http.inject({ method: 'GET', url: '/maybe/x' })).statusCode).toBe(404);
    expect((await http.inject({ method: 'POST', url: '/maybe/x' })).statusCode).toBe(405);
  });

  it('refuses a body over 64 KB with 413 and closes the connection', async () => {
    const res = await http.inject({ method: 'POST', url: '/echo', payload: JSON.stringify({ n: 1, pad: 'x'.repeat(70_000) }) });
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
  });

  it('says what went wrong for an HttpError, and nothing of an unexpected failure', async () => {
    const teapot = await http.inject({ method: 'GET', url: '/teapot' });
    expect([teapot.statusCode, teapot.json()]).toEqual([418, { error: 'short and stout' }]);
    const broken = await http.inject({ method: 'GET', url: '/broken' });
    expect([broken.statusCode, broken.body]).toEqual([500, JSON.stringify({ error: 'internal error' })]);
  });

  it('sends security headers on every answer a browser may read, and none to a platform calling a webhook', async () => {
    const res = await http.inject({ method: 'GET', url: '/files/x' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const webhook = await http.inject({ method: 'POST', url: '/webhooks/platform', payload: '{}' });
    expect(webhook.json()).toEqual({ ok: true });
    expect(webhook.headers['x-frame-options']).toBeUndefined();
    expect(webhook.headers['strict-transport-security']).toBeUndefined();
    // A route's error answer (here a 404 of the same server) keeps them.
    expect((await http.inject({ method: 'GET', url: '/nope' })).headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
