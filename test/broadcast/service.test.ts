import { afterEach, describe, expect, it } from 'vitest';
import type { AdminIO } from '../../src/admin/commands.js';
import type { Audience } from '../../src/broadcast/campaigns.js';
import { Broadcasts, outboundKey } from '../../src/broadcast/service.js';
import { campaignStats, onceKey, statusOf } from '../../src/outbound/deliver.js';
import { REMINDERS } from '../../src/reminders/capability.js';
import { textOf } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { broadcastHarness, type BroadcastHarness } from './helpers.js';

let h: BroadcastHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ORG = 'web:org';
const everyone = (areas: string[]): Audience => ({ areas, role: 'everyone', lang: 'any', channel: 'any' });

async function admin(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const found = h!.app.admin.find(argv);
  if (!found) throw new Error(`no admin command ${argv.join(' ')}`);
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
  return { code: await found.cmd.run(found.args, io), out, err };
}

describe('broadcast fan-out and reports', () => {
  it('gets a broadcast to 2,000 people of a province exactly once, even when its start runs twice', async () => {
    const clock = new FakeClock('2026-10-01T01:00:00Z');
    h = await broadcastHarness({ clock });
    // Only the two instances below start it, each when the test says.
    await h.broadcasts.stop();
    await h.organiser(ORG, 'son-la');
    const communes = h.app.areas.children('son-la').map((a) => a.id);
    const users = Array.from({ length: 2000 }, (_, i) => `telegram:${300_000 + i}`);
    for (let i = 0; i < users.length; i += 250)
      await Promise.all(users.slice(i, i + 250).map((u, j) => h!.resident(u, communes[(i + j) % communes.length] as string)));
    const queue = h.app.outbound;
    const results: { queued: number; duplicates: number }[] = [];
    h.app.outbound = {
      async enqueue(messages) {
        const r = await queue.enqueue(messages);
        if (messages[0]?.kind === 'broadcast') results.push(r);
        return r;
      },
      idle: () => queue.idle?.() ?? Promise.resolve(),
    };
    const total = (k: 'queued' | 'duplicates') => results.reduce((n, r) => n + r[k], 0);
    // The instance that starts it dies once every message is queued, before it could note so.
    const dying = new Broadcasts(h.app);
    dying.store.enqueued = () => Promise.reject(new Error('the instance died'));
    const created = await dying.create(ORG, { audience: everyone(['son-la']), content: { text: 'Mời bà con dự lễ khai mạc Tuần lễ học tập.' }, at: clock.now().getTime() });
    if (!created.ok) throw new Error(created.reason);
    const id = created.campaign.id;
    await dying.tick();
    expect([total('queued'), total('duplicates')]).toEqual([2000, 0]);
    // Its messages go out meanwhile: all of them, at worst, before anyone takes it up again.
    await h.app.outbound.idle?.();
    expect(h.telegram.got.size).toBe(2000);
    // Another instance leaves it alone while the lease holds, then takes it up again from the start.
    await h.broadcasts.tick();
    expect(total('duplicates')).toBe(0);
    expect((await h.broadcasts.store.get(id))?.status).toBe('sending');
    clock.advance(3 * 60_000);
    await h.broadcasts.tick();
    await h.settle();
    expect([total('queued'), total('duplicates')]).toEqual([2000, 2000]);
    expect(h.telegram.got.size).toBe(2000);
    expect(h.telegram.duplicates()).toEqual([]);
    expect(await campaignStats(h.app, id)).toEqual({ queued: 2000, sent: 2000 });
    expect(await h.broadcasts.store.get(id)).toMatchObject({ status: 'done', recipients: 2000 });
    expect((await h.inbox(ORG)).map((r) => r.text)).toEqual([expect.stringContaining('• Đã gửi: 2000')]);
  });

  it('starts a due broadcast once when several instances look at the same moment', async () => {
    h = await broadcastHarness();
    await h.organiser(ORG, 'son-la');
    const users = Array.from({ length: 50 }, (_, i) => `telegram:${400_000 + i}`);
    for (const u of users) await h.resident(u, 'son-la.mai-son');
    const queue = h.app.outbound;
    let batches = 0;
    h.app.outbound = { enqueue: (m) => (m[0]?.kind === 'broadcast' && batches++, queue.enqueue(m)), idle: () => queue.idle?.() ?? Promise.resolve() };
    const instances = [h.broadcasts, new Broadcasts(h.app), new Broadcasts(h.app)];
    const created = await instances[1]!.store.create({
      id: 'bc-20261001-aaaaaa',
      by: ORG,
      createdAt: Date.now(),
      at: Date.now() - 1,
      audience: everyone(['son-la.mai-son']),
      content: { text: 'Ba máy chủ, một lần gửi.' },
    });
    await Promise.all(instances.map((b) => b.tick()));
    await h.settle();
    expect(batches).toBe(1);
    expect(h.telegram.got.size).toBe(50);
    expect(h.telegram.duplicates()).toEqual([]);
    expect(await h.broadcasts.store.get(created.id)).toMatchObject({ status: 'done', recipients: 50 });
    expect(await h.inbox(ORG)).toHaveLength(1);
  });

  it('keeps a finished broadcast open until its report could be queued, then reports it once', async () => {
    h = await broadcastHarness();
    await h.organiser(ORG, 'son-la');
    await h.resident('telegram:56', 'son-la.song-ma');
    const queue = h.app.outbound;
    let down = true;
    h.app.outbound = {
      enqueue: (m) => (down && m[0]?.kind === 'notice' ? Promise.reject(new Error('Connection is closed.')) : queue.enqueue(m)),
      idle: () => queue.idle?.() ?? Promise.resolve(),
    };
    const created = await h.broadcasts.create(ORG, { audience: everyone(['son-la.song-ma']), content: { text: 'Thư viện xã mở cửa cả Chủ nhật.' }, at: Date.now() });
    if (!created.ok) throw new Error(created.reason);
    await h.settle();
    expect(h.telegram.got.get('56')).toBe(1);
    expect(await h.inbox(ORG)).toEqual([]);
    expect((await h.broadcasts.store.get(created.campaign.id))?.status).toBe('sending');
    down = false;
    // However often the scheduler looks again, one report.
    await h.settle();
    await h.settle();
    expect((await h.inbox(ORG)).map((r) => r.text)).toEqual([expect.stringContaining('• Đã gửi: 1')]);
    expect(await h.broadcasts.store.get(created.campaign.id)).toMatchObject({ status: 'done', recipients: 1 });
  });

  it('works without Redis too (in-memory mode, sent in-process)', async () => {
    h = await broadcastHarness({ store: 'memory' });
    await h.organiser(ORG, 'son-la');
    await h.resident('web:81', 'son-la.song-ma');
    await h.resident('telegram:82', 'son-la.song-ma');
    const created = await h.broadcasts.create(ORG, { audience: everyone(['son-la.song-ma']), content: { text: 'Thư viện xã mở cửa cả Chủ nhật.' }, at: Date.now() });
    if (!created.ok) throw new Error(created.reason);
    await h.settle();
    expect((await h.inbox('web:81'))[0]?.text).toBe('📣 Thông báo từ Ban tổ chức Tuần lễ học tập suốt đời (Tỉnh Sơn La):\nThư viện xã mở cửa cả Chủ nhật.');
    expect(h.telegram.got.get('82')).toBe(1);
    expect(await campaignStats(h.app, created.campaign.id)).toEqual({ queued: 2, sent: 2 });
    expect((await h.inbox(ORG))[0]?.text).toContain('• Đã gửi: 2');
  });

  it('skips people who said /stop after it was scheduled and people who blocked the bot, and counts them', async () => {
    const clock = new FakeClock('2026-10-01T00:00:00Z');
    h = await broadcastHarness({
      clock,
      telegram: { respond: (id) => (id === '43' ? { status: 'blocked', reason: '403 Forbidden: bot was blocked by the user' } : undefined) },
    });
    await h.organiser(ORG, 'son-la.to-hieu');
    for (const u of ['telegram:41', 'telegram:42', 'telegram:43', 'telegram:44', 'web:45']) await h.resident(u, 'son-la.to-hieu');
    await h.app.users.markInactive('telegram:44', 'unfollowed');
    const created = await h.broadcasts.create(ORG, { audience: everyone(['son-la.to-hieu']), content: { template: 'book_day' }, at: Date.parse('2026-10-01T01:00:00Z') });
    if (!created.ok) throw new Error(created.reason);
    const stopped = await h.send('telegram:42', '/stop');
    expect(textOf(stopped)).toContain('Đã dừng gửi tin');
    clock.set('2026-10-01T01:00:00Z');
    await h.settle();
    expect([...h.telegram.got.keys()]).toEqual(['41']);
    const web = await h.inbox('web:45');
    expect(web[0]?.text).toContain('Ngày Sách và Văn hóa đọc Việt Nam 21/4 năm 2026');
    expect(web[0]?.choices).toEqual([{ label: 'Dừng nhận tin', value: '/stop' }]);
    const id = created.campaign.id;
    expect(await campaignStats(h.app, id)).toEqual({ queued: 5, sent: 2, opted_out: 1, blocked: 2 });
    const [report] = await h.inbox(ORG);
    expect(report?.text).toContain('\n• Người nhận: 5\n• Đã gửi: 2\n• Đã dừng nhận tin: 1\n• Đã chặn hoặc bỏ theo dõi: 2');
    // Nothing failed and nothing was out of reach: no lines of zeros.
    expect(report?.text).not.toContain('Lỗi');
    expect(report?.text).not.toContain('Không gửi được');

    // "Dừng nhận tin" on the broadcast itself is the global /stop.
    await h.send('web:45', { choice: '/stop' });
    expect((await h.app.users.get('web:45'))?.optOut).toBeDefined();
  });

  it('stops a scheduled broadcast whose organiser lost the role before its time', async () => {
    const clock = new FakeClock('2026-10-01T00:00:00Z');
    h = await broadcastHarness({ clock });
    await h.organiser(ORG, 'son-la');
    await h.resident('telegram:51', 'son-la');
    const created = await h.broadcasts.create(ORG, { audience: everyone(['son-la']), content: { text: 'Tin của người không còn vai trò.' }, at: Date.parse('2026-10-01T02:00:00Z') });
    if (!created.ok) throw new Error(created.reason);
    await h.app.roles.forget(ORG);
    clock.set('2026-10-01T03:00:00Z');
    await h.settle();
    expect(h.telegram.calls).toBe(0);
    expect(await h.broadcasts.store.get(created.campaign.id)).toMatchObject({ status: 'cancelled', cancelReason: 'organiser_not_allowed' });
  });

  it('reports through `npm run admin -- broadcast report <id>`, lists broadcasts, and explains a wrong id', async () => {
    h = await broadcastHarness();
    await h.organiser(ORG, 'son-la');
    await h.resident('telegram:61', 'son-la.muong-la');
    await h.resident('telegram:62', 'son-la.muong-la');
    await h.app.users.setOptOut('telegram:62', true);
    const created = await h.broadcasts.create(ORG, { audience: everyone(['son-la.muong-la']), content: { text: 'Lớp tin học miễn phí tối thứ Bảy.', link: 'https://example.vn/lop' }, at: Date.now() });
    if (!created.ok) throw new Error(created.reason);
    await h.settle();
    const id = created.campaign.id;

    const report = await admin(['broadcast', 'report', id, '--recipients']);
    expect(report.code).toBe(0);
    const [summary, ...recipients] = report.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(summary).toMatchObject({
      id,
      by: ORG,
      status: 'done',
      audience: everyone(['son-la.muong-la']),
      content: { text: 'Lớp tin học miễn phí tối thứ Bảy.', link: 'https://example.vn/lop' },
      recipients: 2,
      queued: 2,
      sent: 1,
      opted_out: 1,
      failed: 0,
      blocked: 0,
      undeliverable: 0,
    });
    expect(summary?.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+07:00$/);
    expect(recipients.sort((a, b) => String(a.user).localeCompare(String(b.user)))).toEqual([
      { user: 'telegram:61', status: 'sent' },
      { user: 'telegram:62', status: 'opted_out' },
    ]);

    const list = await admin(['broadcast', 'list', '--status', 'done']);
    expect(list.out.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([id]);
    expect(await admin(['broadcast', 'report', 'bc-20990101-zzzzzz'])).toMatchObject({ code: 2, err: [expect.stringContaining('No broadcast "bc-20990101-zzzzzz"')] });
    expect(await admin(['broadcast', 'report'])).toMatchObject({ code: 2, err: [expect.stringContaining('Usage: broadcast report <id>')] });
    expect(await admin(['broadcast', 'list', '--status', 'sent'])).toMatchObject({ code: 2, err: [expect.stringContaining('--status must be one of')] });

    // A record damaged in Redis is not trusted: it reads as missing, and nothing crashes.
    await h.app.redis.hset(`${h.prefix}{bc}:c:${id}`, 'spec', '{"id":');
    expect(await admin(['broadcast', 'report', id])).toMatchObject({ code: 2 });
    expect(await admin(['broadcast', 'list'])).toMatchObject({ code: 0, out: [] });
  });

  it('shows a recipient and an organiser what is kept about broadcasts, and erases a recipient’s lines', async () => {
    h = await broadcastHarness();
    await h.organiser(ORG, 'son-la');
    await h.resident('web:71', 'son-la.van-ho');
    await h.send('web:71', '/start');
    const created = await h.broadcasts.create(ORG, { audience: everyone(['son-la.van-ho']), content: { text: 'Hội thi đọc sách cấp xã.' }, at: Date.now() });
    if (!created.ok) throw new Error(created.reason);
    await h.settle();
    expect(textOf(await h.send(ORG, '/mydata'))).toContain('Thông báo Anh/Chị đã tạo: 1');
    expect(textOf(await h.send('web:71', '/mydata'))).toContain('Kết quả gửi 1 tin nhắn gần đây tới Anh/Chị');
    expect(await statusOf(h.app, created.campaign.id, 'web:71')).toBe('sent');
    await h.send('web:71', '/deletedata');
    await h.send('web:71', { choice: 'yes' });
    const id = created.campaign.id;
    expect(await statusOf(h.app, id, 'web:71')).toBeNull();
    expect(await h.app.redis.exists(onceKey(h.app, { campaign: id, key: outboundKey(id), user: 'web:71' }))).toBe(0);
    // The counts, which name nobody, stay.
    expect(await campaignStats(h.app, id)).toEqual({ queued: 1, sent: 1 });
  });

  it('says who sends it: for an administrator, the area the audience shares; the week only when all its areas have the same', async () => {
    const clock = new FakeClock('2026-09-30T01:00:00Z');
    h = await broadcastHarness({ clock, env: { ADMIN_IDS: 'telegram:7000' } });
    await h.resident('web:91', 'son-la.to-hieu');
    await h.resident('web:92', 'son-la.chieng-an');
    // Tô Hiệu's week differs from the rest of the province's.
    const { weeks } = h.app.need(REMINDERS).reminders;
    await weeks.set('learning_week', 'son-la', { start: '2026-10-01', end: '2026-10-07', theme: 'Học tập suốt đời', at: 0 });
    await weeks.set('learning_week', 'son-la.to-hieu', { start: '2026-10-03', end: '2026-10-09', at: 0 });
    const send = async (areas: string[]) => {
      const created = await h!.broadcasts.create('telegram:7000', { audience: everyone(areas), content: { template: 'llw_opening' }, at: clock.now().getTime() });
      if (!created.ok) throw new Error(created.reason);
      await h!.settle();
    };
    await send(['son-la.to-hieu', 'son-la.chieng-an']);
    const [both] = await h.inbox('web:91');
    expect(both?.text).toMatch(/^📣 Thông báo từ Ban tổ chức Tuần lễ học tập suốt đời \(Tỉnh Sơn La\):\nTuần lễ hưởng ứng học tập suốt đời năm 2026 đã khai mạc!/);
    // Two weeks would be one too many for one message: it names none rather than a wrong one.
    expect(both?.text).not.toContain('Thời gian:');
    await h.inbox('web:92');
    await send(['son-la.chieng-an']);
    const [one] = await h.inbox('web:92');
    expect(one?.text).toMatch(/^📣 Thông báo từ Ban tổ chức Tuần lễ học tập suốt đời \(Phường Chiềng An, Tỉnh Sơn La\):\n/);
    expect(one?.text).toContain('\nThời gian: 01/10/2026 – 07/10/2026.\nChủ đề: "Học tập suốt đời".');
  });
});
