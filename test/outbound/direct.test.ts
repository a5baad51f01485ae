import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webKeys } from '../../src/channels/web/keys.js';
import { campaignStats } from '../../src/outbound/deliver.js';
import type { DirectOutbound } from '../../src/outbound/direct.js';
import type { OutboundMessage } from '../../src/outbound/types.js';
import { createTestApp, type TestApp } from '../support/app.js';

describe('direct outbound (no durable queue)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const msg = (user: string, key = 'k1'): OutboundMessage => ({ user, campaign: 'c1', key, kind: 'news', replies: [{ text: 'Khai mạc Tuần lễ học tập' }] });
  const inbox = async (id: string) => t.app.redis.lrange(webKeys(t.prefix).history(`web:${id}`), 0, -1);

  it('sends once per key and person, skips people who stopped messages, and counts each outcome', async () => {
    await t.send('web:keen', '/start');
    await t.send('web:quiet', '/start');
    await t.send('web:quiet', '/stop');
    const out = t.app.outbound as DirectOutbound;
    expect(await out.enqueue([msg('web:keen'), msg('web:quiet'), msg('web:stranger'), msg('telegram:1')])).toEqual({ queued: 4, duplicates: 0 });
    expect(await out.enqueue([msg('web:keen')])).toEqual({ queued: 0, duplicates: 1 });
    await out.idle();
    expect((await inbox('keen')).length).toBe(1);
    expect(await inbox('quiet')).toEqual([]);
    expect(await campaignStats(t.app, 'c1')).toEqual({ queued: 4, sent: 1, opted_out: 1, undeliverable: 2 });

    // The result of their own file still reaches someone who said /stop.
    await out.enqueue([{ user: 'web:quiet', campaign: 'c2', key: 'n1', kind: 'notice', replies: [{ text: 'Hồ sơ đã được công nhận' }] }]);
    await out.idle();
    expect((await inbox('quiet')).map((raw) => JSON.parse(raw).text)).toEqual(['Hồ sơ đã được công nhận']);
  });
});

describe('people by area', () => {
  it('indexes a person under the area they gave, moves them when it changes, and forgets them', async () => {
    const t = await createTestApp();
    try {
      await t.send('web:mai', '/start');
      await t.app.users.setArea('web:mai', 'son-la.to-hieu');
      expect(await t.app.users.inArea('son-la.to-hieu')).toEqual(['web:mai']);
      await t.app.users.setArea('web:mai', 'son-la.chieng-an');
      expect(await t.app.users.inArea('son-la.to-hieu')).toEqual([]);
      expect((await t.app.users.get('web:mai'))?.area).toBe('son-la.chieng-an');
      await t.app.users.forget('web:mai');
      expect(await t.app.users.inArea('son-la.chieng-an')).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
