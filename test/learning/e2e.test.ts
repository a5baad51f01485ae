import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main as adminCli } from '../../src/admin/cli.js';
import type { AdminIO } from '../../src/admin/commands.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { FakeClock } from '../support/clock.js';
import { listen, postJson } from '../support/http.js';
import { webPeople } from '../support/web.js';
import { traces } from './helpers.js';

interface ChatReply {
  text: string;
  choices: { label: string; value: string }[];
}

/** The "done when", in the web chat over HTTP with Redis. */
describe('learning citizen end to end over POST /api/chat', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  const clock = new FakeClock('2026-11-20T03:00:00Z');

  const person = webPeople(() => http.url);
  const chat = async (name: string, body: { text: string } | { choice: string }): Promise<ChatReply[]> => {
    const { status, json } = await postJson(`${http.url}/api/chat`, { user: await person(name), ...body });
    expect(status).toBe(200);
    return json.replies as ChatReply[];
  };
  const say = (user: string, text: string) => chat(user, { text });
  const tap = (user: string, choice: string) => chat(user, { choice });
  const all = (replies: ChatReply[]) => replies.map((r) => r.text).join('\n');
  const values = (replies: ChatReply[]) => replies.flatMap((r) => r.choices.map((c) => c.value));
  const labelled = (replies: ChatReply[], label: string) => replies.flatMap((r) => r.choices).find((c) => c.label.includes(label))?.value ?? '';

  async function admin(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: AdminIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
    const found = t.app.admin.find(args);
    if (!found) throw new Error(`no admin command ${args.join(' ')}`);
    const code = await found.cmd.run(found.args, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    t = await createTestApp({ clock });
    // Started as `npm start` starts it: notices go through the durable queue on Redis.
    await t.app.start();
    http = await listen(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('consent, registration, three activities with evidence, self-score, progress, submission, approval, notice, export, statistics, erasure', async () => {
    const lan = 'lan-2026';
    // Consent, then registration.
    await say(lan, '/menu');
    const notice = await tap(lan, 'learning');
    expect(all(notice)).toContain('/deletedata');
    expect(values(notice)).toEqual(['yes', 'no']);
    expect(all(await tap(lan, 'yes'))).toContain('Họ và tên');
    await say(lan, 'Hoàng Thị Lan');
    await say(lan, '1992');
    await say(lan, 'Sơn La');
    const communes = await say(lan, 'to hieu');
    await tap(lan, labelled(communes, 'Tô Hiệu'));
    await tap(lan, 'resident');
    const registered = await say(lan, '0978 111 222');
    expect(all(registered)).toContain('Đã đăng ký Công dân học tập năm 2026');

    // Three activities with evidence.
    const activities = [
      { date: '12/02/2026', kind: 'course', title: 'Lớp tin học văn phòng', hours: '20', indicators: '1 5 7', evidence: 'https://trungtam.example.vn/chung-chi/lan' },
      { date: '21/04/2026', kind: 'reading', title: 'Ngày Sách và Văn hóa đọc', hours: '3', indicators: '1 2 4', evidence: 'Phiếu tham gia số 21 của thư viện xã' },
      { date: '03/10/2026', kind: 'community', title: 'Tuần lễ học tập suốt đời', hours: '6', indicators: '3 6 8 9 10', evidence: 'https://xa.example.vn/tin/tuan-le-2026' },
    ];
    for (const a of activities) {
      expect(all(await tap(lan, 'log'))).toContain('học vào ngày nào');
      await say(lan, a.date);
      await tap(lan, a.kind);
      await say(lan, a.title);
      await say(lan, a.hours);
      await say(lan, a.indicators);
      expect(all(await say(lan, a.evidence))).toContain(`Đã lưu: ${a.title}`);
      await tap(lan, 'back');
    }

    // Self-score in a row, then the progress view.
    await tap(lan, 'score');
    let replies = await tap(lan, 'all');
    expect(all(replies)).toContain('Lớp tin học văn phòng');
    for (const s of ['9', '8', '9', '8', '9', '7', '8', '8', '9', '9']) replies = await say(lan, s);
    expect(all(replies)).toContain('▓▓▓▓▓▓▓▓░░ 84/100');
    expect(all(replies)).toContain('Hoạt động: 3 (29 giờ)');
    expect(all(replies)).toContain('Đạt ngưỡng công nhận');
    const progress = await tap(lan, 'progress');
    expect(all(progress)).toContain('Tiến độ năm 2026\n▓▓▓▓▓▓▓▓░░ 84/100');

    // Submit.
    expect(all(await tap(lan, 'submit'))).toContain('tới Hội Khuyến học xã/phường – Phường Tô Hiệu, Tỉnh Sơn La');
    expect(all(await tap(lan, 'send'))).toContain('Đã gửi hồ sơ năm 2026');

    // An officer of the commune, invited by code from the operators' command line, approves.
    const env = { ...process.env, ...inject('redisEnv'), REDIS_PREFIX: t.prefix, LOG_LEVEL: 'silent' };
    const invite = await runCli(adminCli, ['invite', '--role', 'officer', '--area', 'son-la.to-hieu', '--unit', 'hoi_khuyen_hoc_xa'], env);
    expect(invite.code).toBe(0);
    const officer = 'canbo-to-hieu';
    await say(officer, '/menu');
    expect(all(await say(officer, `/join ${invite.stdout.trim()}`))).toContain('Đã nhận vai trò cán bộ của Phường Tô Hiệu');
    // The new officer is offered deadline reminders first; they decline and go back to the menu.
    await tap(officer, 'no');
    await tap(officer, 'back');
    await tap(officer, 'learning');
    const queue = await tap(officer, 'review');
    expect(all(queue)).toContain('Hoàng Thị Lan · Phường Tô Hiệu · 84 điểm');
    const file = await tap(officer, values(queue)[0] as string);
    expect(all(file)).toContain('https://trungtam.example.vn/chung-chi/lan');
    expect(all(file)).toContain('📝 Phiếu tham gia số 21 của thư viện xã');
    await tap(officer, 'approve');
    expect(all(await tap(officer, 'yes'))).toContain('Đã công nhận hồ sơ năm 2026 của Hoàng Thị Lan');

    // The citizen is told: in the web chat's history (and at once on an open page), and in the learning menu.
    const told = 'Hồ sơ Công dân học tập năm 2026 của Anh/Chị đã được Hội Khuyến học xã/phường công nhận';
    let inbox: ChatReply[] = [];
    for (let i = 0; i < 100 && !all(inbox).includes(told); i++) {
      inbox = (await postJson(`${http.url}/api/chat/history`, { user: await person(lan) })).json.messages as ChatReply[];
      if (!all(inbox).includes(told)) await new Promise((r) => setTimeout(r, 20));
    }
    expect(all(inbox)).toContain('Hồ sơ Công dân học tập năm 2026 của Anh/Chị đã được Hội Khuyến học xã/phường công nhận ngày 20/11/2026');
    await say(lan, '/menu');
    expect(all(await tap(lan, 'learning'))).toContain('đã được công nhận 🎉');

    // The export and the statistics show it.
    const csv = await admin(['export', 'learning', '--area', 'son-la.to-hieu', '--year', '2026']);
    expect(csv.code).toBe(0);
    expect(csv.out.startsWith('\uFEFF')).toBe(true);
    expect(csv.out).toContain('Hoàng Thị Lan,1992,Người dân ở xã/phường,0978111222,Đã công nhận,84,Có,9,8,9,8,9,7,8,8,9,9,3,29,');
    const stats = await admin(['stats', 'learning', '--year', '2026']);
    expect(stats.out).toMatch(/son-la\.to-hieu \(Phường Tô Hiệu, Tỉnh Sơn La\)\s+1\s+1\s+1\s/);

    // "Xóa dữ liệu" removes every trace.
    expect(all(await say(lan, 'Xóa dữ liệu'))).toContain('có chắc muốn xóa');
    expect(all(await tap(lan, 'yes'))).toContain('Đã xóa toàn bộ dữ liệu');
    expect(await traces(t, [`web:${await person(lan)}`, await person(lan), 'Hoàng Thị Lan', '0978111222', 'Lớp tin học văn phòng', 'chung-chi/lan'])).toEqual([]);
    expect((await admin(['export', 'learning', '--area', 'son-la', '--year', '2026'])).out).not.toContain('Hoàng Thị Lan');
    expect((await admin(['stats', 'learning', '--year', '2026'])).out).toContain('No registrations for this year.');
    expect(all(await tap(officer, 'review'))).toContain('Không có hồ sơ nào chờ duyệt');
  });
});
