import { App, type AppOptions } from './app.js';
import { capabilities } from './capabilities.js';

/** A ready bot: every capability registered and the flows loaded and checked. */
export async function createApp(opts: AppOptions): Promise<App> {
  const app = new App(opts);
  await app.use(...capabilities);
  return app.build();
}
