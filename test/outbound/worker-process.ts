/**
 * A bot process that only runs the outbound workers, with a counting Telegram stand-in that records
 * each message it accepts in Redis, so that a test can kill this process midway and still count.
 * Usage: REDIS_URL=... (or REDIS_CLUSTER_NODES=...) node --import tsx test/outbound/worker-process.ts <key prefix>
 */
import { App } from '../../src/app/app.js';
import { configSchema } from '../../src/config.js';
import { createLogger } from '../../src/core/logger.js';
import { DurableOutbound } from '../../src/outbound/queue.js';
import { whenReady } from '../../src/store/redis.js';
import { FakeChannel } from './fake-channel.js';
import { KILL_TEST_OPTIONS, receivedKey } from './kill-options.js';

const [prefix] = process.argv.slice(2) as [string];
const { REDIS_URL, REDIS_CLUSTER_NODES } = process.env;
const app = new App({ config: configSchema.parse({ REDIS_URL, REDIS_CLUSTER_NODES, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }), log: createLogger('silent') });
const { redis } = app;
await whenReady(redis);
app.senders.set('telegram', new FakeChannel('telegram', { onSent: async (id) => void (await redis.rpush(receivedKey(prefix), id)) }));
const out = new DurableOutbound(app, KILL_TEST_OPTIONS);
await out.ready();
out.start();
process.stdout.write('ready\n');
