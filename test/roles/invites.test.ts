import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main as adminCli } from '../../src/admin/cli.js';
import { normaliseCode, parseDuration } from '../../src/roles/invites.js';
import { traces } from '../learning/helpers.js';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { FakeClock } from '../support/clock.js';
import { capturedLog } from '../support/log.js';

describe('roles by single-use invite code', () => {
  let t: TestApp;
  const clock = new FakeClock('2026-11-25T03:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('grants the role once; a second use, an unknown code and an expired code are refused clearly', async () => {
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la.to-hieu', unit: 'ubnd_xa', ttlMs: 86_400_000, createdBy: 'test' });
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    await t.send('web:officer', '/start');
    const joined = await t.send('web:officer', `/join ${code.toLowerCase().replace('-', ' ')}`);
    expect(textOf(joined)).toContain('Đã nhận vai trò cán bộ của Phường Tô Hiệu, Tỉnh Sơn La');
    // Led straight to what the role brings: the unit's deadlines, starting with the offer of reminders.
    expect(textOf(joined)).toContain('Hạn sắp tới');
    expect(textOf(joined)).toContain('Anh/Chị có muốn nhận nhắc hạn báo cáo của UBND xã, phường, đặc khu, Phường Tô Hiệu');
    expect(choiceValues(joined)).toEqual(['yes', 'no']);
    const subscribed = await t.send('web:officer', { choice: 'yes' });
    expect(textOf(subscribed)).toContain('Đã đăng ký');
    expect(choiceValues(subscribed)).toContain('calendar_link');
    // In a group the deadlines (a personal flow) are not opened; the hint says where to find them.
    const inGroup = await t.app.invites.create({ role: 'officer', area: 'son-la', unit: 'so_nganh', ttlMs: 86_400_000, createdBy: 'test' });
    const groupJoin = textOf(await t.send('telegram:-100777', { text: `/join ${inGroup.code}`, chat: 'group' }));
    expect(groupJoin).toContain('Hạn sắp tới');
    expect(groupJoin).not.toContain('trò chuyện riêng');
    expect(await t.app.roles.grantOf('web:officer', 'officer')).toMatchObject({ area: 'son-la.to-hieu', unit: 'ubnd_xa' });
    expect(await t.app.roles.holders('officer', 'son-la.to-hieu')).toEqual(['web:officer']);

    expect(textOf(await t.send('web:other', `/join ${code}`))).toContain('đã được dùng rồi');
    expect(await t.app.roles.grants('web:other')).toEqual([]);
    expect(textOf(await t.send('web:other', '/join AAAAA-BBBBB'))).toContain('không đúng');

    const late = await t.app.invites.create({ role: 'organiser', area: 'son-la', ttlMs: 3_600_000, createdBy: 'test' });
    clock.advance(2 * 3_600_000);
    expect(textOf(await t.send('web:late', `/join ${late.code}`))).toContain('hết hạn');
    expect(await t.app.roles.grants('web:late')).toEqual([]);
    expect(textOf(await t.send('web:late', '/join'))).toContain('/join kèm mã mời');
  });

  it('lets an admin make a code in the chat, finding the area by part of its name, and refuses everyone else', async () => {
    const admin = await createTestApp({ clock, env: { ADMIN_IDS: 'telegram:900' } });
    try {
      const boss = (m: string | { choice: string }) => admin.send('telegram:900', m);
      expect(choiceValues(await boss('/invite'))).toEqual(['officer', 'organiser']);
      expect(textOf(await boss({ choice: 'organiser' }))).toContain('gõ một phần tên');
      expect(textOf(await boss('atlantis'))).toContain('không tìm thấy địa bàn nào có tên chứa "atlantis"');
      const areas = await boss('sơn la');
      expect(choiceValues(areas)[0]).toBe('son-la');
      const summary = textOf(await boss({ choice: 'son-la' }));
      expect(summary).toContain('Mã mời cho vai trò người tổ chức của Tỉnh Sơn La. Người nhận mã sẽ:\n• gửi thông báo về sự kiện học tập tới người dân ở Tỉnh Sơn La');
      const made = textOf(await boss({ choice: 'yes' }));
      expect(made).toContain('hiệu lực 7 ngày');
      const code = /\/join ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(made)?.[1];
      expect(code).toBeDefined();
      const organiser = await admin.send('web:organiser', `/join ${code}`);
      expect(textOf(organiser)).toContain('Đã nhận vai trò người tổ chức của Tỉnh Sơn La');
      expect(textOf(organiser)).toContain('chọn "Gửi thông báo" trong menu hoặc gõ /broadcast');
      expect(choiceValues(organiser)).toContain('broadcast');

      // The refusal names the role it takes; no invite gives that one, so it does not point to /join.
      const refused = textOf(await admin.send('web:citizen', '/invite'));
      expect(refused).toContain('chỉ dành cho quản trị viên');
      expect(refused).not.toContain('cán bộ');
      expect(refused).not.toContain('/join');
      expect(refused).not.toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/);
      await admin.send('web:citizen', '/lang en');
      expect(textOf(await admin.send('web:citizen', '/invite'))).toContain('only for the administrators');
    } finally {
      await admin.close();
    }
  });

  it('says what an officer’s invite will let them do, and the one it calls a reviewer reviews', async () => {
    const admin = await createTestApp({ clock, env: { ADMIN_IDS: 'telegram:901' } });
    try {
      const boss = (m: string | { choice: string }) => admin.send('telegram:901', m);
      await boss('/invite');
      await boss({ choice: 'officer' });
      // Without diacritics, as citizens type it.
      const areas = await boss('to hieu');
      expect(areas.at(-1)?.choices?.[0]).toEqual({ value: 'son-la.to-hieu', label: 'Phường Tô Hiệu, Tỉnh Sơn La' });
      const units = await boss({ choice: 'son-la.to-hieu' });
      // The unit that reviews the files there comes first, and says so.
      expect(units.at(-1)?.choices?.map((c) => c.value)).toEqual(['hoi_khuyen_hoc_xa', 'ubnd_xa', 'dang_uy_xa', 'any']);
      expect(units.at(-1)?.choices?.[0]?.label).toContain('(duyệt hồ sơ)');
      // The People's Committee's officer gets its reminders but cannot review: the admin sees it before making the code.
      const notReviewer = textOf(await boss({ choice: 'ubnd_xa' }));
      expect(notReviewer).toContain('• không duyệt được hồ sơ Công dân học tập: ở Phường Tô Hiệu, Tỉnh Sơn La việc duyệt do Chi hội, Hội Khuyến học xã, phường, đặc khu làm');
      expect(notReviewer).toContain('• nhận nhắc hạn báo cáo của UBND xã, phường, đặc khu, Phường Tô Hiệu, Tỉnh Sơn La');
      expect(textOf(await boss({ choice: 'no' }))).toContain('chưa tạo mã nào');

      await boss('/invite');
      await boss({ choice: 'officer' });
      await boss('tô hiệu');
      await boss({ choice: 'son-la.to-hieu' });
      const reviewer = textOf(await boss({ choice: 'hoi_khuyen_hoc_xa' }));
      expect(reviewer).toContain('• duyệt hồ sơ Công dân học tập của Phường Tô Hiệu, Tỉnh Sơn La');
      const code = /\/join ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(textOf(await boss({ choice: 'yes' })))?.[1];
      await admin.send('web:reviewer', '/start');
      expect(textOf(await admin.send('web:reviewer', `/join ${code}`))).toContain('Đã nhận vai trò cán bộ của Phường Tô Hiệu');
      const queue = textOf(await admin.send('web:reviewer', '/review'));
      expect(queue).toContain('Không có hồ sơ nào chờ duyệt');
      expect(queue).not.toContain('không duyệt được');
    } finally {
      await admin.close();
    }
  });

  it('lets only one of two people racing with the same code win', async () => {
    const { code } = await t.app.invites.create({ role: 'organiser', area: 'tay-ninh', ttlMs: 86_400_000, createdBy: 'test' });
    const results = await Promise.all([t.app.invites.redeem('web:r1', code), t.app.invites.redeem('web:r2', code)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('stops guessing after five wrong codes in an hour', async () => {
    for (let i = 0; i < 5; i++) await t.send('web:guesser', `/join WRONG-${i}0000`);
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la', ttlMs: 86_400_000, createdBy: 'test' });
    expect(textOf(await t.send('web:guesser', `/join ${code}`))).toContain('sai mã nhiều lần');
    expect(await t.app.roles.grants('web:guesser')).toEqual([]);
  });

  it('refuses every /join for the rest of the hour once everyone together has tried too many wrong codes, and warns once', async () => {
    const captured = capturedLog('warn');
    const hourly = new FakeClock('2026-11-25T03:40:00Z');
    const g = await createTestApp({ clock: hourly, log: captured.log, env: { JOIN_WRONG_CODES_PER_HOUR: '6' } });
    try {
      // Three ids, two guesses each: no one reaches their own limit of five.
      for (const who of ['web:g1', 'web:g2', 'web:g3'])
        for (let i = 0; i < 2; i++) expect(textOf(await g.send(who, `/join WRONG-${i}1111`))).toContain('không đúng');
      const { code } = await g.app.invites.create({ role: 'officer', area: 'son-la', ttlMs: 86_400_000, createdBy: 'test' });
      const closed = textOf(await g.send('web:newcomer', `/join ${code}`));
      expect(closed).toContain('Tạm thời chưa nhận mã mời');
      expect(closed).toContain('20 phút');
      expect(textOf(await g.send('web:g4', '/join WRONG-99999'))).toContain('Tạm thời chưa nhận mã mời');
      expect(await g.app.roles.grants('web:newcomer')).toEqual([]);
      const warnings = captured.lines().filter((l) => String(l.msg).includes('too many wrong codes'));
      expect(warnings).toHaveLength(1);
      expect(captured.text()).not.toContain('web:g');
      // The next hour the code, untouched, works.
      hourly.advance(20 * 60_000);
      expect(textOf(await g.send('web:newcomer', `/join ${code}`))).toContain('Đã nhận vai trò cán bộ');
    } finally {
      await g.close();
    }
  });

  it('forgets with /deletedata the role, the count of wrong codes and who used a code', async () => {
    const u = 'web:erased-officer';
    await t.send(u, '/start');
    await t.send(u, '/join WRONG-00000');
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la', unit: 'so_nganh', ttlMs: 86_400_000, createdBy: 'test' });
    await t.send(u, `/join ${code}`);
    expect(await traces(t, [u])).not.toEqual([]);
    await t.send(u, '/deletedata');
    expect(textOf(await t.send(u, { choice: 'yes' }))).toContain('Đã xóa');
    expect(await traces(t, [u])).toEqual([]);
    // The code stays used all the same.
    expect(textOf(await t.send('web:someone-else', `/join ${code}`))).toContain('đã được dùng rồi');
  });

  it('reads codes the way people type them, and durations the way operators do', () => {
    expect(normaliseCode('abcdo-1il23')).toBe('ABCD011123');
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('0d')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('says on the command line what the holder will be able to do; the README’s example makes a reviewer', async () => {
    const invite = async (...args: string[]) => {
      const lines: string[] = [];
      const found = t.app.admin.find(['invite', ...args]);
      expect(await found?.cmd.run(found.args, { out: (l) => lines.push(l), err: (l) => lines.push(l) })).toBe(0);
      return lines.join('\n');
    };
    const readme = await invite('--role', 'officer', '--area', 'son-la.to-hieu', '--unit', 'hoi_khuyen_hoc_xa', '--expires', '7d');
    expect(readme).toContain('  - review the learning-citizen files of Phường Tô Hiệu, Tỉnh Sơn La');
    expect(readme).toContain('  - get reminders of the reporting deadlines of Commune Association for Promoting Learning, Phường Tô Hiệu, Tỉnh Sơn La');
    const committee = await invite('--role', 'officer', '--area', 'son-la.to-hieu', '--unit', 'ubnd_xa');
    expect(committee).toContain('  - not review learning-citizen files: in Phường Tô Hiệu, Tỉnh Sơn La they are reviewed by Commune Association for Promoting Learning');
    expect(committee).toContain("  - get reminders of the reporting deadlines of Commune People's Committee, Phường Tô Hiệu");
    expect(await invite('--role', 'organiser', '--area', 'son-la')).toContain('  - send announcements of learning events to the people of Tỉnh Sơn La');
  });

  it('makes codes from the operators command line', async () => {
    const env = { ...process.env, ...inject('redisEnv'), REDIS_PREFIX: t.prefix, LOG_LEVEL: 'silent' };
    const ok = await runCli(adminCli, ['invite', '--role', 'officer', '--area', 'son-la.chieng-an', '--expires', '2d'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(ok.stderr).toContain('Phường Chiềng An');
    expect(ok.stderr).toContain('review the learning-citizen files of Phường Chiềng An, Tỉnh Sơn La');
    expect(ok.stderr).toContain('choose their unit and get reminders of its reporting deadlines');
    const badArea = await runCli(adminCli, ['invite', '--role', 'officer', '--area', 'atlantis'], env);
    expect(badArea.code).toBe(2);
    expect(badArea.stderr).toContain('--area must be an area id');
    const badUnit = await runCli(adminCli, ['invite', '--role', 'officer', '--area', 'son-la', '--unit', 'ubnd_huyen'], env);
    expect(badUnit.code).toBe(2);
    expect(badUnit.stderr).toContain('--unit must be a unit kind from data/units.yaml');
    const badRole = await runCli(adminCli, ['invite', '--role', 'king', '--area', 'son-la'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be officer or organiser');
  }, 120_000); // four processes: on a loaded machine each takes seconds to start
});
