import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { listenHttp } from '../../src/http/server.js';
import type { App } from '../../src/app/app.js';

export interface LocalServer {
  url: string;
  server: Server;
  /** Closes the server and every connection it still holds. */
  close(): Promise<void>;
}

/** A server (the bot's, or a fake platform's) listening on a free port of 127.0.0.1. */
export async function listenLocal(server: Server): Promise<LocalServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The app's HTTP server on a free port. */
export async function listen(app: App): Promise<LocalServer> {
  const { port } = await listenHttp(app.http, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    server: app.http.server,
    async close() {
      app.http.server.closeAllConnections();
      await app.http.close();
    },
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}
