import { afterEach, describe, expect, it } from 'vitest';
import type { Audience } from '../../src/broadcast/campaigns.js';
import type { Reply } from '../../src/core/message.js';
import { campaignStats } from '../../src/outbound/deliver.js';
import { REMINDERS } from '../../src/reminders/capability.js';
import { choiceValues, textOf } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { broadcastHarness, type BroadcastHarness } from './helpers.js';

let h: BroadcastHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ORG = 'web:org-sonla';
const HEADER = '📣 Thông báo từ Ban tổ chức Tuần lễ học tập suốt đời (Tỉnh Sơn La):\n';
const STOP = { label: 'Dừng nhận tin', value: '/stop' };

/** What a recipient gets for a preview the organiser saw: the same text, with a live button instead of its picture. */
const asReceived = (preview: Reply, shown: string, stop: Reply['choices']): Reply => {
  expect(preview.text.endsWith(`\n\n${shown}`)).toBe(true);
  return { ...preview, text: preview.text.slice(0, -shown.length - 2), choices: stop };
};

describe('an organiser broadcasting in chat', () => {
  it('chooses the audience and sees how many it reaches, previews exactly what is sent, sends now, and gets the report', async () => {
    h = await broadcastHarness({ clock: new FakeClock('2026-10-05T01:00:00Z') });
    await h.organiser(ORG, 'son-la');
    // The province's organisers set this year's week in the chat; another area's setting does not count here.
    const { weeks } = h.app.need(REMINDERS).reminders;
    await weeks.set('learning_week', 'son-la', { start: '2026-10-05', end: '2026-10-11', theme: 'Học tập suốt đời cho mọi người', at: 0 });
    await weeks.set('learning_week', 'ha-noi', { start: '2026-10-01', end: '2026-10-07', at: 0 });
    for (const id of ['1', '2', '3']) await h.resident(`telegram:${id}`, 'son-la.to-hieu');
    await h.resident('telegram:6', 'son-la.to-hieu');
    await h.app.users.setOptOut('telegram:6', true);
    await h.resident('telegram:4', 'son-la.to-hieu', 'en');
    await h.resident('telegram:5', 'son-la.chieng-an');
    await h.resident('web:neighbour', 'son-la.to-hieu');
    await h.app.roles.grant('telegram:9', { role: 'officer', area: 'son-la.to-hieu', grantedAt: 0 });
    await h.app.users.seen('telegram:9', 'vi');

    const home = await h.send(ORG, '/broadcast');
    expect(choiceValues(home)).toEqual(['new', 'scheduled', 'history', 'back']);
    const area = await h.send(ORG, { choice: 'new' });
    expect(area.at(-1)?.choices).toEqual([{ value: 'whole', label: 'Toàn bộ Tỉnh Sơn La' }]);
    const added = await h.send(ORG, 'to hieu');
    expect(textOf(added)).toContain('Đã thêm Phường Tô Hiệu, Tỉnh Sơn La');
    expect(choiceValues(added)).toEqual(['done', 'whole']);
    await h.send(ORG, { choice: 'done' });
    await h.send(ORG, { choice: 'citizens' });
    await h.send(ORG, { choice: 'any' });
    const count = await h.send(ORG, { choice: 'telegram' });
    // Citizens of Tô Hiệu on Telegram: 1-4 (not the officer who gave no area, not Chiềng An, not the web
    // user), and 6, who said /stop; nobody blocked the bot, so that is not mentioned.
    expect(textOf(count)).toContain('Sẽ gửi tới 4 người (Telegram: 4) ở Phường Tô Hiệu, bỏ qua 1 người đã dừng nhận tin.');
    expect(textOf(count)).not.toContain('chặn');
    expect(choiceValues(count)).toEqual(['template:llw_opening', 'template:book_day']);
    await h.send(ORG, { choice: 'template:llw_opening' });
    const preview = await h.send(ORG, 'https://sogd.sonla.gov.vn/tuan-le-hoc-tap');
    // One bubble per language of the audience, each exactly as sent, then the question.
    const [vi, en, question] = preview as [Reply, Reply, Reply];
    expect(vi.text.startsWith(`${HEADER}Tuần lễ hưởng ứng học tập suốt đời năm 2026 đã khai mạc!`)).toBe(true);
    expect(vi.text).toContain('ở Phường Tô Hiệu');
    // The week as Sơn La's organisers set it for this year.
    expect(vi.text).toContain('\nThời gian: 05/10/2026 – 11/10/2026.\nChủ đề: "Học tập suốt đời cho mọi người".');
    expect(vi.link).toEqual({ label: 'Xem chi tiết', url: 'https://sogd.sonla.gov.vn/tuan-le-hoc-tap' });
    // The organiser sees where the button will be, but has no button that would stop their own messages.
    expect(vi.text.endsWith('\n\n[Dừng nhận tin]')).toBe(true);
    expect(vi.choices).toBeUndefined();
    expect(en.text).toContain('📣 From the Lifelong Learning Week organisers (Tỉnh Sơn La):\nLifelong Learning Week 2026 has opened');
    expect(en.text).toContain('Dates: 05/10/2026 – 11/10/2026.');
    expect(en.text.endsWith('\n\n[Stop messages]')).toBe(true);
    expect(en.choices).toBeUndefined();
    expect(question.text).toContain('bản xem trước');
    expect(choiceValues([question])).toEqual(['now', 'later', 'edit']);
    const summary = await h.send(ORG, { choice: 'now' });
    expect(textOf(summary)).toContain('Người dân, Mọi ngôn ngữ, Telegram (4 người)');
    expect(textOf(summary)).toContain('ngay bây giờ');
    expect(textOf(summary)).not.toContain('người nhận sẽ thấy'); // sent now: the preview above holds
    const done = await h.send(ORG, { choice: 'yes' });
    const id = /thông báo (bc-\d{8}-[a-z0-9]{6})/.exec(textOf(done))?.[1] as string;
    expect(id).toBeDefined();

    await h.settle();
    expect([...h.telegram.got.entries()].sort()).toEqual([['1', 1], ['2', 1], ['3', 1], ['4', 1]]);
    expect(h.telegram.last.get('1')).toEqual([asReceived(vi, '[Dừng nhận tin]', [STOP])]);
    expect(h.telegram.last.get('4')).toEqual([asReceived(en, '[Stop messages]', [{ label: 'Stop messages', value: '/stop' }])]);
    expect(await campaignStats(h.app, id)).toEqual({ queued: 5, sent: 4, opted_out: 1 });
    expect((await h.broadcasts.store.get(id))?.status).toBe('done');
    const [report] = await h.inbox(ORG);
    // What happened, without lines of zeros.
    expect(report?.text).toBe(`Thông báo ${id} gửi tới Phường Tô Hiệu (08:00 05/10/2026) đã gửi xong.\n• Người nhận: 5\n• Đã gửi: 4\n• Đã dừng nhận tin: 1`);
    // The report comes once, however often the scheduler looks again.
    await h.settle();
    expect(await h.inbox(ORG)).toEqual([]);

    await h.send(ORG, '/broadcast');
    const history = await h.send(ORG, { choice: 'history' });
    expect(textOf(history)).toContain(`${id}`);
    expect(textOf(history)).toContain('đã gửi xong): đã gửi 4/5. "Tuần lễ hưởng ứng học tập suốt đời năm…"');
  });

  it('keeps an organiser to their own area, and refuses people without the role', async () => {
    h = await broadcastHarness({ start: false });
    await h.organiser(ORG, 'son-la.to-hieu');
    await h.send(ORG, '/broadcast');
    const area = await h.send(ORG, { choice: 'new' });
    expect(area.at(-1)?.choices).toEqual([{ value: 'whole', label: 'Toàn bộ Phường Tô Hiệu, Tỉnh Sơn La' }]);
    const refused = await h.send(ORG, 'Chiềng An');
    expect(textOf(refused)).toContain('Phường Chiềng An, Tỉnh Sơn La không thuộc địa bàn của Anh/Chị (Phường Tô Hiệu, Tỉnh Sơn La)');
    expect(choiceValues(refused)).toEqual(['whole']);
    const province = await h.send(ORG, 'Tỉnh Sơn La');
    expect(textOf(province)).toContain('không thuộc địa bàn của Anh/Chị');
    expect(textOf(await h.send(ORG, 'Hoàn Kiếm xyz'))).toContain('Tôi không tìm thấy nơi nào tên "Hoàn Kiếm xyz"');

    // The service checks again, whatever the chat allowed.
    const audience: Audience = { areas: ['son-la'], role: 'everyone', lang: 'any', channel: 'any' };
    const draft = { audience, content: { text: 'Họp dân tối nay' }, at: Date.now() };
    expect(await h.broadcasts.create(ORG, draft)).toEqual({ ok: false, reason: 'outside_area', area: 'son-la' });
    expect(await h.broadcasts.create(ORG, { ...draft, audience: { ...draft.audience, areas: ['atlantis'] } })).toEqual({ ok: false, reason: 'unknown_area', area: 'atlantis' });
    expect(await h.broadcasts.create('web:citizen', { ...draft, audience: { ...draft.audience, areas: ['son-la.to-hieu'] } })).toEqual({ ok: false, reason: 'not_organiser' });
    expect(await h.broadcasts.store.list()).toEqual([]);

    await h.send('web:citizen', '/start');
    const citizen = await h.send('web:citizen', '/broadcast');
    expect(textOf(citizen)).toContain('chỉ dành cho người tổ chức được giao nhiệm vụ. Nếu Anh/Chị là người tổ chức, hãy nhận vai trò bằng mã mời');
    expect(choiceValues(citizen)).not.toContain('broadcast');
    await h.app.roles.grant('web:officer', { role: 'officer', area: 'son-la.to-hieu', grantedAt: 0 });
    expect(textOf(await h.send('web:officer', '/broadcast'))).toContain('chỉ dành cho người tổ chức được giao nhiệm vụ');
  });

  it('schedules for a date and time, lists and cancels; the cancelled one never goes out, the other at its time', async () => {
    const clock = new FakeClock('2026-09-30T02:00:00Z'); // 09:00 in Viet Nam
    h = await broadcastHarness({ clock });
    await h.organiser(ORG, 'son-la');
    await h.resident('telegram:21', 'son-la.moc-chau');

    const schedule = async (text: string, time: string) => {
      await h!.send(ORG, '/broadcast');
      await h!.send(ORG, { choice: 'new' });
      await h!.send(ORG, { choice: 'whole' });
      await h!.send(ORG, { choice: 'everyone' });
      await h!.send(ORG, { choice: 'any' });
      await h!.send(ORG, { choice: 'any' });
      await h!.send(ORG, text);
      await h!.send(ORG, { choice: 'skip' });
      await h!.send(ORG, { choice: 'later' });
      await h!.send(ORG, '01/10/2026');
      return h!.send(ORG, time);
    };
    const summary = await schedule('Khai mạc Tuần lễ học tập lúc 7:30 sáng 1/10 tại Nhà văn hóa tỉnh.', '8h');
    expect(textOf(summary)).toContain('lúc 08:00 01/10/2026');
    // Typed as on Zalo, where there are no buttons: a plain "ok" confirms.
    expect(textOf(await h.send(ORG, 'ok'))).toContain('Đã hẹn gửi thông báo');
    await schedule('Tin sẽ bị hủy: lịch họp thay đổi, xin thông báo sau.', '07:45');
    await h.send(ORG, { choice: 'yes' });

    await h.send(ORG, '/broadcast');
    const list = await h.send(ORG, { choice: 'scheduled' });
    expect(list.at(-1)?.choices?.map((c) => c.label)).toEqual([
      '07:45 01/10/2026 · Tin sẽ bị hủy: lịch họp thay đổi, xin…',
      '08:00 01/10/2026 · Khai mạc Tuần lễ học tập lúc 7:30 sáng…',
    ]);
    const toCancel = list.at(-1)?.choices?.[0]?.value as string;
    const detail = await h.send(ORG, { choice: toCancel });
    expect(textOf(detail)).toContain('hẹn gửi lúc 07:45 01/10/2026');
    // The message as recipients will get it, with no live "Dừng nhận tin" for the organiser to press.
    expect(textOf(detail)).toContain(`${HEADER}Tin sẽ bị hủy: lịch họp thay đổi, xin thông báo sau.\n\n[Dừng nhận tin]`);
    expect(detail.flatMap((r) => r.choices ?? []).map((c) => c.value)).not.toContain('/stop');
    // "hủy" answers this question ("Hủy thông báo") rather than cancelling the conversation.
    expect(textOf(await h.send(ORG, 'huy'))).toContain('Đã hủy. Thông báo này sẽ không được gửi đi');
    expect(textOf(await h.send(ORG, { choice: 'scheduled' }))).not.toContain('Tin sẽ bị hủy');
    // Nothing has gone out yet, so the history gives no "đã gửi 0/0".
    await h.send(ORG, '/broadcast');
    const pending = textOf(await h.send(ORG, { choice: 'history' }));
    expect(pending).toContain('(08:00 01/10/2026, đang hẹn giờ): "Khai mạc Tuần lễ học tập lúc 7:30 sáng…"');
    expect(pending).toContain('(07:45 01/10/2026, đã hủy): "Tin sẽ bị hủy: lịch họp thay đổi, xin…"');
    expect(pending).not.toContain('đã gửi');

    clock.set('2026-10-01T00:59:00Z'); // 07:59
    await h.settle();
    expect(h.telegram.calls).toBe(0);
    clock.set('2026-10-01T01:00:00Z'); // 08:00
    await h.settle();
    expect(h.telegram.got.get('21')).toBe(1);
    expect(h.telegram.last.get('21')).toEqual([{ text: `${HEADER}Khai mạc Tuần lễ học tập lúc 7:30 sáng 1/10 tại Nhà văn hóa tỉnh.`, choices: [STOP] }]);
    const cancelled = await h.broadcasts.store.get(toCancel);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: ORG });
    expect(await campaignStats(h.app, toCancel)).toEqual({});
  });

  it('asks again for a time already past, a broken link or a text too short, and changes nothing', async () => {
    const clock = new FakeClock('2026-09-30T02:00:00Z');
    h = await broadcastHarness({ clock, start: false });
    await h.organiser(ORG, 'son-la');
    await h.resident('telegram:31', 'son-la');
    await h.send(ORG, '/broadcast');
    await h.send(ORG, { choice: 'new' });
    await h.send(ORG, { choice: 'whole' });
    await h.send(ORG, { choice: 'everyone' });
    await h.send(ORG, { choice: 'any' });
    await h.send(ORG, { choice: 'any' });
    expect(textOf(await h.send(ORG, 'Họp'))).toContain('ngắn quá');
    await h.send(ORG, 'Mời bà con dự buổi đọc sách tại thư viện xã.');
    expect(textOf(await h.send(ORG, 'javascript:alert(1)'))).toContain('Link chưa đúng');
    expect(textOf(await h.send(ORG, 'www'))).toContain('Link chưa đúng');
    await h.send(ORG, { choice: 'skip' });
    await h.send(ORG, { choice: 'later' });
    await h.send(ORG, '30/09/2026');
    expect(textOf(await h.send(ORG, '8:30'))).toContain('Thời điểm này đã qua (bây giờ là 09:00 30/09/2026)');
    expect(textOf(await h.send(ORG, '25:00'))).toContain('Giờ chưa đúng');
    expect(textOf(await h.send(ORG, '21h15'))).toContain('lúc 21:15 30/09/2026');
    await h.send(ORG, { choice: 'no' });
    expect(await h.broadcasts.store.list()).toEqual([]);
  });

  it('counts only the people it reaches, and names those it skips only when there are some', async () => {
    h = await broadcastHarness({ start: false });
    await h.organiser(ORG, 'son-la');
    for (const u of ['telegram:71', 'telegram:72', 'telegram:73']) await h.resident(u, 'son-la.to-hieu');
    await h.app.users.setOptOut('telegram:72', true);
    await h.app.users.markInactive('telegram:73', 'blocked');
    await h.resident('telegram:74', 'son-la.chieng-an');
    await h.app.users.setOptOut('telegram:74', true);
    const countFor = async (place: string) => {
      await h!.send(ORG, '/broadcast');
      await h!.send(ORG, { choice: 'new' });
      await h!.send(ORG, place);
      await h!.send(ORG, { choice: 'done' });
      await h!.send(ORG, { choice: 'citizens' });
      await h!.send(ORG, { choice: 'any' });
      return textOf(await h!.send(ORG, { choice: 'any' }));
    };
    expect(await countFor('Tô Hiệu')).toContain('Sẽ gửi tới 1 người (Telegram: 1) ở Phường Tô Hiệu, bỏ qua 1 người đã dừng nhận tin và 1 người đã chặn tài khoản.');
    await h.send(ORG, '/menu');
    expect(await countFor('Chiềng An')).toContain('Chưa có ai ở Phường Chiềng An (Người dân, Mọi ngôn ngữ, Mọi kênh) nhận được thông báo này: cả 1 người đều đã dừng nhận tin hoặc chặn tài khoản.');
    const empty = await countFor('Chiềng Cơi');
    expect(empty).toContain('Chưa có ai ở Phường Chiềng Cơi (Người dân, Mọi ngôn ngữ, Mọi kênh) nhận được thông báo này. Anh/Chị chọn lại');
    expect(empty).not.toContain('0 người');
  });

  it('names the organiser’s unit, and gives the year and the Learning Week of the time it goes out', async () => {
    const clock = new FakeClock('2026-12-31T02:00:00Z'); // 09:00 31/12/2026
    h = await broadcastHarness({ clock });
    await h.send(ORG, '/start');
    await h.app.roles.grant(ORG, { role: 'organiser', area: 'son-la', unit: 'so_gddt', grantedAt: 0 });
    await h.app.need(REMINDERS).reminders.weeks.set('learning_week', '*', { start: '2027-09-27', end: '2027-10-03', theme: 'Học để làm chủ công nghệ', at: 0 });
    await h.resident('web:81', 'son-la.to-hieu');
    await h.send(ORG, '/broadcast');
    await h.send(ORG, { choice: 'new' });
    await h.send(ORG, { choice: 'whole' });
    await h.send(ORG, { choice: 'everyone' });
    await h.send(ORG, { choice: 'vi' });
    await h.send(ORG, { choice: 'any' });
    await h.send(ORG, { choice: 'template:llw_opening' });
    const [first] = await h.send(ORG, { choice: 'skip' });
    expect(first?.text).toContain('📣 Thông báo từ Sở Giáo dục và Đào tạo (Tỉnh Sơn La):\nTuần lễ hưởng ứng học tập suốt đời năm 2026');
    expect(first?.text).toContain('Thời gian: 01/10/2026 – 07/10/2026.');
    await h.send(ORG, { choice: 'later' });
    await h.send(ORG, '01/01/2027');
    // Going out next year, it speaks of next year's week (set for everywhere): shown again before confirming.
    const summary = await h.send(ORG, '8:00');
    expect(textOf(summary)).toContain('lúc 08:00 01/01/2027');
    expect(textOf(summary)).toContain('Với thời gian gửi này, người nhận sẽ thấy:');
    expect(textOf(summary)).toContain('năm 2027 đã khai mạc!');
    expect(textOf(summary)).toContain('Thời gian: 27/09/2027 – 03/10/2027.\nChủ đề: "Học để làm chủ công nghệ".\n\n[Dừng nhận tin]');
    expect(choiceValues(summary)).toEqual(['yes', 'no']);
    await h.send(ORG, { choice: 'yes' });

    clock.set('2027-01-01T01:00:00Z');
    await h.settle();
    const [received, ...more] = await h.inbox('web:81');
    expect(more).toEqual([]);
    expect(received?.choices).toEqual([STOP]);
    // Exactly what the organiser was shown, the button apart.
    expect(textOf(summary)).toContain(`người nhận sẽ thấy:\n\n${received?.text}\n\n[Dừng nhận tin]`);
    expect(received?.text).toContain('📣 Thông báo từ Sở Giáo dục và Đào tạo (Tỉnh Sơn La):\nTuần lễ hưởng ứng học tập suốt đời năm 2027');
  });
});
