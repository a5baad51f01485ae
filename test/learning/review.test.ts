import type { LearningFile } from '../../src/learning/records.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/message.js';
import { webKeys } from '../../src/channels/web/keys.js';
import { renderReply } from '../../src/channels/zalo/render.js';
import { reviewersOf } from '../../src/learning/access.js';
import type { LearningContext } from '../../src/learning/context.js';
import { Criteria } from '../../src/learning/criteria.js';
import { decide, reviewQueue } from '../../src/learning/review.js';
import { LearningStore } from '../../src/learning/store.js';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { as, learningStore, logActivity, register, type Registration, type Send } from './helpers.js';

describe('learning citizen: review by the officers of the area', () => {
  let t: TestApp;
  let ctx: LearningContext;
  const clock = new FakeClock('2026-11-20T03:00:00Z');
  const fileOf = async (user: string) => (await learningStore(t).file(user, 2026)) as LearningFile;
  const tayNinh: Registration = { province: 'tay ninh', commune: 'hoa thanh', communeLabel: 'Hòa Thành' };

  /** Proactive messages a web user has been sent (what the chat page finds in its history). */
  async function outboxReplies(user: string, expected: number): Promise<Reply[]> {
    const key = webKeys(t.prefix).history(user);
    for (let i = 0; i < 100; i++) {
      const items = await t.app.redis.lrange(key, 0, -1);
      if (items.length >= expected) return items.map((j) => JSON.parse(j) as Reply);
      await new Promise((r) => setTimeout(r, 20));
    }
    return (await t.app.redis.lrange(key, 0, -1)).map((j) => JSON.parse(j) as Reply);
  }

  async function outbox(user: string, expected: number): Promise<string[]> {
    return (await outboxReplies(user, expected)).map((r) => r.text);
  }

  async function submitted(user: string, registration: Registration = {}): Promise<Send> {
    const send = as(t, user);
    await register(send, registration);
    await logActivity(send, { title: 'Lớp kỹ năng số', indicators: '5 8', evidence: 'https://example.vn/chung-nhan/5' });
    await send({ choice: 'back' });
    await send({ choice: 'score' });
    await send('9 8 9 8 9 8 9 8 9 8');
    await send({ choice: 'submit' });
    expect(textOf(await send({ choice: 'send' }))).toContain('Đã gửi hồ sơ');
    return send;
  }

  async function officer(user: string, area: string, unit?: string): Promise<Send> {
    const { code } = await t.app.invites.create({ role: 'officer', area, unit, ttlMs: 86_400_000, createdBy: 'test' });
    const send = as(t, user);
    await send('/menu');
    expect(textOf(await send(`/join ${code}`))).toContain('Đã nhận vai trò cán bộ');
    return send;
  }

  async function openQueue(send: Send): Promise<Reply[]> {
    await send('/menu');
    const hub = await send({ choice: 'learning' });
    expect(choiceValues(hub)).toContain('review');
    return send({ choice: 'review' });
  }

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ctx = { app: t.app, store: new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas), criteria: Criteria.load(join(t.app.dirs.data, 'criteria.yaml'), t.app.areas) };
  });
  afterAll(() => t.close());

  it('gives the commune officer (invited by code) a queue of its files; approval records the title and tells the citizen', async () => {
    const officerSend = await officer('web:officer-th', 'son-la.to-hieu');
    const lan = await submitted('web:lan');
    await submitted('web:hoa', tayNinh);
    expect(await outbox('web:officer-th', 1)).toEqual([expect.stringContaining('hồ sơ Công dân học tập năm 2026 mới chờ duyệt ở Phường Tô Hiệu')]);

    const queue = await openQueue(officerSend);
    expect(textOf(queue)).toContain('Hồ sơ chờ duyệt: 1');
    expect(textOf(queue)).toContain('1. Nguyễn Văn An · Phường Tô Hiệu · 85 điểm');
    expect(textOf(queue)).not.toContain('Hòa Thành');
    const lanFile = await fileOf('web:lan');
    expect(choiceValues(queue)).toEqual([lanFile.id, 'back']);
    expect(queue.at(-1)?.choices?.[0]?.label).toBe('1. Phường Tô Hiệu · 85 điểm');
    // On Zalo the list is numbered once, by the channel.
    const onZalo = await openQueue(await officer('zalo:4242', 'son-la.to-hieu'));
    const zaloText = renderReply(onZalo.at(-1) as Reply, t.app.i18n.for('vi'), 'reply');
    expect(zaloText).toContain('\n1. Nguyễn Văn An · Phường Tô Hiệu · 85 điểm · gửi 20/11/2026');
    expect(zaloText).toContain('Chọn hồ sơ để xem:\n\n1. Phường Tô Hiệu · 85 điểm\n2. Quay lại');
    // The officer's session keeps the choices: no names in them.
    expect(JSON.stringify(await t.app.sessions.get('web:officer-th'))).not.toContain('Nguyễn');

    const file = await officerSend({ choice: lanFile.id });
    const shown = textOf(file);
    for (const part of ['Hồ sơ năm 2026 (gửi lần 1)', 'Nguyễn Văn An, sinh 1985', 'Phường Tô Hiệu, Tỉnh Sơn La', 'Điện thoại: 0912345678', '▓▓▓▓▓▓▓▓░░ 85/100 · đạt ngưỡng', '5. Công nghệ thông tin: 9', 'Lớp kỹ năng số', '🔗 https://example.vn/chung-nhan/5'])
      expect(shown).toContain(part);
    expect(choiceValues(file)).toEqual(['approve', 'return', 'back']);
    expect(file.at(-1)?.text).toMatch(/\nAnh\/Chị quyết định thế nào với hồ sơ này\?$/);
    expect(choiceValues(await officerSend({ choice: 'approve' }))).toEqual(['yes', 'no']);
    const approved = await officerSend({ choice: 'yes' });
    expect(textOf(approved)).toContain('Đã công nhận hồ sơ năm 2026 của Nguyễn Văn An');
    expect(textOf(approved)).toContain('Không có hồ sơ nào chờ duyệt');
    // The officer has not registered as a citizen: their menu, not a line telling them so.
    expect(textOf(approved)).not.toContain('chưa đăng ký');
    expect(choiceValues(approved)).toContain('review');

    expect(await fileOf('web:lan')).toMatchObject({
      status: 'approved',
      decision: { outcome: 'approved', by: 'web:officer-th', unit: 'hoi_khuyen_hoc_xa', at: clock.now().getTime(), seen: false },
    });
    expect(await t.app.redis.zscore(`${t.prefix}lc:idx:2026:approved:son-la.to-hieu`, 'web:lan')).not.toBeNull();
    expect(await outbox('web:lan', 1)).toEqual(['🎉 Chúc mừng! Hồ sơ Công dân học tập năm 2026 của Anh/Chị đã được Hội Khuyến học xã/phường công nhận ngày 20/11/2026.']);
    // Also shown once in the learning menu.
    await lan('/menu');
    const hub = await lan({ choice: 'learning' });
    expect(textOf(hub)).toContain('📣 🎉 Chúc mừng!');
    expect(textOf(hub)).toContain('đã được công nhận');
    expect(textOf(await lan('/menu').then(() => lan({ choice: 'learning' })))).not.toContain('📣');
    const progress = textOf(await lan({ choice: 'progress' }));
    expect(progress).toContain('Hồ sơ đã được công nhận');
    expect(progress).not.toContain('có thể gửi');
  });

  it('puts a button on each notice that opens the file or the queue from any step, and Zalo shows it as a command to type', async () => {
    const officerSend = await officer('web:officer-ca', 'son-la.chieng-an');
    const citizen = await submitted('web:giang', { commune: 'chieng an', communeLabel: 'Chiềng An', name: 'Lường Văn Giang' });
    const [told] = await outboxReplies('web:officer-ca', 1);
    expect(told?.choices).toEqual([{ label: 'Duyệt hồ sơ', value: '/review' }]);
    expect(renderReply(told as Reply, t.app.i18n.for('vi'), 'proactive')).toContain('• Duyệt hồ sơ: gõ /review');

    // The officer's chat is at another question (the settings menu) when they tap it.
    await officerSend('/menu');
    await officerSend({ choice: 'settings' });
    const queue = await officerSend({ choice: '/review' });
    expect(textOf(queue)).toContain('Lường Văn Giang');
    await officerSend({ choice: (await fileOf('web:giang')).id });
    await officerSend({ choice: 'approve' });
    await officerSend({ choice: 'yes' });

    const [decision] = await outboxReplies('web:giang', 1);
    expect(decision?.text).toContain('Chúc mừng');
    expect(decision?.choices).toEqual([{ label: 'Xem hồ sơ', value: '/learning' }]);
    expect(renderReply(decision as Reply, t.app.i18n.for('vi'), 'proactive')).toContain('• Xem hồ sơ: gõ /learning');
    await citizen('/menu');
    await citizen({ choice: 'qa' });
    const hub = await citizen({ choice: '/learning' });
    expect(textOf(hub)).toContain('Hồ sơ năm 2026: đã được công nhận');
    expect(choiceValues(hub)).toContain('progress');
    // Typed, too.
    await citizen({ choice: 'progress' });
    expect(textOf(await citizen('/learning'))).toContain('Hồ sơ năm 2026: đã được công nhận');
  });

  it('returns a file with a reason; the citizen fixes it and sends it again; each decision is told once', async () => {
    const officerSend = await officer('web:officer-cc', 'son-la.chieng-coi');
    const cuc = await submitted('web:cuc', { commune: 'chieng coi', communeLabel: 'Chiềng Cơi', name: 'Lò Thị Cúc' });
    const id = (await fileOf('web:cuc')).id;
    await openQueue(officerSend);
    await officerSend({ choice: id });
    expect(textOf(await officerSend({ choice: 'return' }))).toContain('Lý do trả lại');
    expect(textOf(await officerSend('ngắn'))).toContain('ít nhất 5 ký tự');
    const returned = await officerSend('Thiếu ảnh chứng nhận lớp kỹ năng số');
    expect(textOf(returned)).toContain('Đã trả lại hồ sơ năm 2026 của Lò Thị Cúc');
    expect(await fileOf('web:cuc')).toMatchObject({ status: 'returned', decision: { outcome: 'returned', reason: 'Thiếu ảnh chứng nhận lớp kỹ năng số' } });
    expect((await outbox('web:cuc', 1))[0]).toContain('trả lại để bổ sung: Thiếu ảnh chứng nhận lớp kỹ năng số');

    await cuc('/menu');
    const hub = await cuc({ choice: 'learning' });
    expect(textOf(hub)).toContain('được trả lại để bổ sung');
    expect(choiceValues(hub)).toContain('log');
    // Coming back later to fix it, the reason is still there.
    await cuc('/menu');
    expect(textOf(await cuc({ choice: 'learning' }))).toContain('Cần bổ sung: Thiếu ảnh chứng nhận lớp kỹ năng số');
    await logActivity(cuc, { title: 'Ảnh chứng nhận', indicators: '5 8', evidence: { attachment: { kind: 'photo', fileId: 'photo-42' } } });
    await cuc({ choice: 'back' });
    await cuc({ choice: 'submit' });
    await cuc({ choice: 'send' });
    expect(await fileOf('web:cuc')).toMatchObject({ status: 'submitted', submissions: 2 });
    expect((await fileOf('web:cuc')).decision).toBeUndefined();

    await openQueue(officerSend);
    const again = await officerSend({ choice: id });
    expect(textOf(again)).toContain('gửi lần 2');
    expect(textOf(again)).toContain('Lần trước trả lại (20/11/2026): Thiếu ảnh chứng nhận lớp kỹ năng số');
    expect(textOf(again)).toContain('📎 ảnh');
    await officerSend({ choice: 'approve' });
    await officerSend({ choice: 'yes' });
    const told = await outbox('web:cuc', 2);
    expect(told).toHaveLength(2);
    expect(told[1]).toContain('Chúc mừng');
    await cuc('/menu');
    const hubAfter = textOf(await cuc({ choice: 'learning' }));
    expect(hubAfter).toContain('đã được công nhận');
    expect(hubAfter).not.toContain('Cần bổ sung');
    const mine = textOf(await cuc('/mydata'));
    expect(mine).toContain('trả lại ngày 20/11/2026: Thiếu ảnh chứng nhận lớp kỹ năng số');
    expect(mine).toContain('công nhận ngày 20/11/2026');
  });

  it('refuses an officer acting outside their area, in chat and at the source, and changes nothing', async () => {
    await submitted('web:dung', { name: 'Phạm Văn Dũng' });
    const id = (await fileOf('web:dung')).id;
    const far = await officer('web:officer-far', 'tay-ninh.hoa-thanh');
    expect(textOf(await openQueue(far))).not.toContain('Phạm Văn Dũng');
    expect((await reviewQueue(ctx, 'web:officer-far')).map((f) => f.file.id)).not.toContain(id);
    expect(await decide(ctx, 'web:officer-far', id, 'approved')).toEqual({ ok: false, reason: 'outside_area' });

    // An officer who opened the file and was then moved to another commune is refused when deciding.
    const moved = await officer('web:officer-moved', 'son-la.to-hieu');
    await openQueue(moved);
    await moved({ choice: id });
    await moved({ choice: 'approve' });
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la.chieng-an', ttlMs: 86_400_000, createdBy: 'test' });
    await t.app.invites.redeem('web:officer-moved', code);
    const refused = await moved({ choice: 'yes' });
    expect(textOf(refused)).toContain('không thuộc địa bàn của Anh/Chị');
    expect(await fileOf('web:dung')).toMatchObject({ status: 'submitted' });
    expect(await t.app.redis.llen(webKeys(t.prefix).history('web:dung'))).toBe(0);
  });

  it('refuses a citizen trying officer steps', async () => {
    const send = await submitted('web:curious', { name: 'Hà Thị Tò Mò' });
    const id = (await fileOf('web:curious')).id;
    const viaCommand = await send('/review');
    expect(textOf(viaCommand)).toContain('chỉ dành cho cán bộ');
    await send('/menu');
    const hub = await send({ choice: 'learning' });
    expect(choiceValues(hub)).not.toContain('review');
    expect(textOf(await send('Duyệt hồ sơ'))).toContain('chỉ dành cho cán bộ');
    expect(textOf(await send({ choice: 'review' }))).toContain('câu hỏi trước');
    expect(await decide(ctx, 'web:curious', id, 'approved')).toEqual({ ok: false, reason: 'not_officer' });
    expect(await fileOf('web:curious')).toMatchObject({ status: 'submitted' });
  });

  it('lets an officer of the province review its communes; an officer of another unit is refused', async () => {
    const province = await officer('web:officer-sl', 'son-la');
    await submitted('web:em', { commune: 'moc chau', communeLabel: 'Mộc Châu', name: 'Vì Văn Em' });
    expect((await outbox('web:officer-sl', 1)).join('\n')).toContain('Phường Mộc Châu');
    expect(textOf(await openQueue(province))).toContain('Vì Văn Em · Phường Mộc Châu');

    const other = await officer('web:officer-ub', 'son-la.moc-chau', 'ubnd_xa');
    const empty = await openQueue(other);
    expect(textOf(empty)).toContain('do Hội Khuyến học xã/phường xét công nhận');
    const id = (await fileOf('web:em')).id;
    expect(await decide(ctx, 'web:officer-ub', id, 'approved')).toEqual({ ok: false, reason: 'wrong_unit' });
    // Which body recognises is data: configured so, the same officer may decide.
    const configured: LearningContext = { ...ctx, criteria: new Criteria({ ...ctx.criteria.file, recognition: { default_unit: 'hoi_khuyen_hoc_xa', by_area: { 'son-la': 'ubnd_xa' } } }) };
    const result = await decide(configured, 'web:officer-ub', id, 'approved');
    expect(result).toMatchObject({ ok: true, file: { status: 'approved', decision: { unit: 'ubnd_xa' } } });
    expect(await decide(ctx, 'web:officer-sl', id, 'returned', 'late')).toEqual({ ok: false, reason: 'not_submitted' });
  });

  it('does not let an officer review their own file', async () => {
    await submitted('web:officer-self', { commune: 'van son', communeLabel: 'Vân Sơn', name: 'Cán Bộ Tự Duyệt' });
    const self = await officer('web:officer-self', 'son-la.van-son');
    expect(await reviewersOf(ctx, 'son-la.van-son', 'web:officer-self')).not.toContain('web:officer-self');
    expect(await reviewersOf(ctx, 'son-la.van-son', 'web:someone')).toContain('web:officer-self');
    expect(textOf(await openQueue(self))).toContain('Không có hồ sơ nào chờ duyệt');
    const id = (await fileOf('web:officer-self')).id;
    expect(await decide(ctx, 'web:officer-self', id, 'approved')).toEqual({ ok: false, reason: 'own_file' });
    expect(await fileOf('web:officer-self')).toMatchObject({ status: 'submitted' });
  });

  it('does not let an invite code grant the review queue twice, nor after it expired', async () => {
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la.to-hieu', ttlMs: 3_600_000, createdBy: 'test' });
    const first = as(t, 'web:first');
    await first('/menu');
    await first(`/join ${code}`);
    const second = as(t, 'web:second');
    await second('/menu');
    expect(textOf(await second(`/join ${code}`))).toContain('đã được dùng rồi');
    expect(textOf(await second('/review'))).toContain('chỉ dành cho cán bộ');

    const late = await t.app.invites.create({ role: 'officer', area: 'son-la.to-hieu', ttlMs: 3_600_000, createdBy: 'test' });
    clock.advance(2 * 3_600_000);
    try {
      expect(textOf(await second(`/join ${late.code}`))).toContain('hết hạn');
      expect(textOf(await second('/review'))).toContain('chỉ dành cho cán bộ');
      expect(await t.app.roles.grants('web:second')).toEqual([]);
    } finally {
      clock.advance(-2 * 3_600_000);
    }
  });
});
