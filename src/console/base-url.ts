import type { App } from '../app/app.js';

/**
 * Where links into the console point: CONSOLE_BASE_URL, or else this server's own address (the port it
 * listens on, a wildcard bind reached through loopback).
 */
export function consoleBaseUrl(app: App): string {
  if (app.config.CONSOLE_BASE_URL) return app.config.CONSOLE_BASE_URL.replace(/\/+$/, '');
  const bound = app.http.server.address();
  const port = bound && typeof bound === 'object' ? bound.port : app.config.PORT;
  const host = app.config.HOST === '0.0.0.0' || app.config.HOST === '::' ? '127.0.0.1' : app.config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
