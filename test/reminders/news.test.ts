import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/message.js';
import { campaignStats } from '../../src/outbound/deliver.js';
import { as, register, traces } from '../learning/helpers.js';
import { choiceValues, textOf } from '../support/app.js';
import { remindersHarness, type RemindersHarness } from './helpers.js';

let open: RemindersHarness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

async function harness(start: string) {
  const h = await remindersHarness({ start });
  open.push(h);
  return h;
}

const offerOf = (replies: Reply[]) => replies.find((r) => r.choices?.some((c) => c.value === '/news_on'));

/** A citizen who says yes after /start and gives their commune by typing part of its name. */
async function subscriber(h: RemindersHarness, user: string, typed: string, pick: string) {
  const hello = await h.send(user, '/start');
  expect(offerOf(hello)).toBeDefined();
  expect(textOf(await h.send(user, { choice: '/news_on' }))).toContain('Anh/Chị ở xã/phường nào?');
  const found = await h.send(user, typed);
  expect(choiceValues(found)).toContain(pick);
  expect(textOf(await h.send(user, { choice: pick }))).toContain('Cảm ơn Anh/Chị!');
}

describe('Lifelong Learning Week news: opting in', () => {
  it('is offered after /start above the menu, asks the commune, and is not offered again while it is on', async () => {
    const h = await harness('2027-09-01T09:00:00+07:00');
    const hello = await h.send('web:lan', '/start');
    expect(textOf(hello)).toContain('Xin chào Anh/Chị');
    expect(offerOf(hello)?.text).toContain('Anh/Chị có muốn nhận tin về Tuần lễ hưởng ứng học tập suốt đời');
    expect(offerOf(hello)?.text).toContain('tôi cần biết xã/phường của Anh/Chị');
    // The menu is still the question the chat waits at.
    expect(hello.at(-1)?.choices?.map((c) => c.value)).toEqual(['qa', 'learning', 'news', 'settings']);

    await h.send('web:lan', { choice: '/news_on' });
    const none = await h.send('web:lan', 'Atlantis');
    expect(textOf(none)).toContain('chưa tìm thấy nơi này');
    const found = await h.send('web:lan', 'to hieu');
    expect(found.at(-1)?.choices?.[0]).toEqual({ value: 'son-la.to-hieu', label: 'Phường Tô Hiệu, Tỉnh Sơn La' });
    expect(textOf(await h.send('web:lan', { choice: 'son-la.to-hieu' }))).toContain('Cảm ơn Anh/Chị!');
    expect((await h.app.users.get('web:lan'))?.area).toBe('son-la.to-hieu');
    expect(await h.app.users.inArea('son-la.to-hieu')).toEqual(['web:lan']);

    expect(offerOf(await h.send('web:lan', '/start'))).toBeUndefined();
    const mydata = textOf(await h.send('web:lan', '/mydata'));
    expect(mydata).toContain('Nhận tin Tuần lễ học tập từ 09:00 01/09/2027');
  });

  it('takes "no", and a place can be skipped (news for everywhere then)', async () => {
    const h = await harness('2027-09-01T09:00:00+07:00');
    await h.send('web:no', '/start');
    const no = await h.send('web:no', { choice: '/news_off' });
    expect(textOf(no)).toContain('Khi nào muốn nhận tin');
    expect(no.at(-1)?.choices?.map((c) => c.value)).toContain('news');
    // Offered once: a "no" is not asked again at every /start, and /mydata says why.
    expect(offerOf(await h.send('web:no', '/start'))).toBeUndefined();
    expect(textOf(await h.send('web:no', '/mydata'))).toContain('Đã chọn không nhận tin Tuần lễ học tập lúc 09:00 01/09/2027');
    // After /stop, /start asks again; the news menu still turns it on meanwhile.
    await h.send('web:no', '/stop');
    expect(offerOf(await h.send('web:no', '/start'))).toBeDefined();
    h.clock.set('2027-09-02T10:00:00+07:00');
    await h.send('web:no', { choice: '/news_off' });
    expect(offerOf(await h.send('web:no', '/start'))).toBeUndefined();

    await h.send('web:skip', '/start');
    await h.send('web:skip', 'có, nhận tin');
    expect(textOf(await h.send('web:skip', { choice: 'skip' }))).toContain('Cảm ơn Anh/Chị!');
    await h.tickAt('2027-09-24T08:00:30+07:00');
    expect(textOf(await h.inbox('web:skip'))).toContain('Còn 7 ngày nữa là Tuần lễ hưởng ứng học tập suốt đời');
    expect(await h.inbox('web:no')).toEqual([]);
  });

  it('is offered after learning registration, above the learning menu, and uses the commune given there', async () => {
    const h = await harness('2026-03-02T09:00:00+07:00');
    const done = await register(as(h, 'web:hoc-vien'));
    expect(offerOf(done)?.text).toContain('Anh/Chị có muốn nhận tin về Tuần lễ');
    // The commune was just given: the offer names it instead of saying it must be asked.
    expect(offerOf(done)?.text).toContain('báo đúng sự kiện ở Phường Tô Hiệu, Tỉnh Sơn La');
    expect(offerOf(done)?.text).not.toContain('cần biết xã/phường');
    // The learning menu is still the question.
    expect(done.at(-1)?.choices?.map((c) => c.value)).toContain('log');
    const yes = await h.send('web:hoc-vien', { choice: '/news_on' });
    expect(textOf(yes)).toContain('Cảm ơn Anh/Chị!');
    // Signed up where they were: the learning menu is asked again, not the main menu.
    expect(yes.at(-1)?.choices?.map((c) => c.value)).toContain('log');
    await h.tickAt('2026-04-18T08:00:30+07:00');
    expect(textOf(await h.inbox('web:hoc-vien'))).toContain('Còn 3 ngày nữa là Ngày Sách');

    // Someone who receives the news already is not asked.
    await h.send('web:da-nhan', '/start');
    await h.send('web:da-nhan', { choice: '/news_on' });
    await h.send('web:da-nhan', { choice: 'skip' });
    expect(offerOf(await register(as(h, 'web:da-nhan')))).toBeUndefined();
  });

  it('is offered to someone new whose first words are not /start (a Zalo user writing to the OA), once', async () => {
    const h = await harness('2027-09-01T09:00:00+07:00');
    const first = await h.send('zalo:5566', 'Xin chào');
    expect(textOf(first)).toContain('Xin chào Anh/Chị');
    expect(offerOf(first)).toBeDefined();
    // Later greetings and questions do not ask again.
    expect(offerOf(await h.send('zalo:5566', 'Xin chào'))).toBeUndefined();
    expect(offerOf(await h.send('zalo:5566', 'Tuần lễ học tập suốt đời là khi nào?'))).toBeUndefined();
  });

  it('is not offered in a group chat', async () => {
    const h = await harness('2027-09-01T09:00:00+07:00');
    expect(offerOf(await h.send('telegram:-100', { text: '/start', chat: 'group' }))).toBeUndefined();
  });
});

describe('Lifelong Learning Week news: what goes out', () => {
  it('announces the week a week ahead and on the first day, and the Book Day, to those who asked', async () => {
    const h = await harness('2027-03-01T09:00:00+07:00');
    await subscriber(h, 'web:mai', 'chieng an', 'son-la.chieng-an');
    await h.send('web:other', '/start');
    const got: string[] = [];
    for (const day of ['2027-04-18', '2027-04-19', '2027-04-21', '2027-09-24', '2027-09-25', '2027-10-01', '2027-10-02']) {
      await h.tickAt(`${day}T08:00:30+07:00`);
      for (const r of await h.inbox('web:mai')) got.push(`${day}: ${r.text.split('\n').slice(0, 2).join(' | ')}`);
      expect(await h.inbox('web:other')).toEqual([]);
    }
    expect(got).toEqual([
      '2027-04-18: 📣 Còn 3 ngày nữa là Ngày Sách và Văn hóa đọc Việt Nam. | 📅 Ngày Sách và Văn hóa đọc Việt Nam: 21/04/2027',
      '2027-04-21: 📣 Hôm nay bắt đầu Ngày Sách và Văn hóa đọc Việt Nam! | 📅 Ngày Sách và Văn hóa đọc Việt Nam: 21/04/2027',
      '2027-09-24: 📣 Còn 7 ngày nữa là Tuần lễ hưởng ứng học tập suốt đời. | 📅 Tuần lễ hưởng ứng học tập suốt đời: 01/10/2027 – 07/10/2027',
      '2027-10-01: 📣 Hôm nay bắt đầu Tuần lễ hưởng ứng học tập suốt đời! | 📅 Tuần lễ hưởng ứng học tập suốt đời: 01/10/2027 – 07/10/2027',
    ]);
  });

  it('uses the dates and theme an organiser set in the chat, for the organiser’s province only', async () => {
    const h = await harness('2027-08-20T09:00:00+07:00');
    await subscriber(h, 'web:son-la', 'to hieu', 'son-la.to-hieu');
    await subscriber(h, 'web:tay-ninh', 'tan ninh', 'tay-ninh.tan-ninh');
    await h.send('web:organiser', '/menu');
    await h.app.roles.grant('web:organiser', { role: 'organiser', area: 'son-la', grantedAt: 0 });

    const menu = await h.send('web:organiser', { choice: 'news' });
    expect(textOf(menu)).toContain('Tuần lễ hưởng ứng học tập suốt đời: 01/10/2027 – 07/10/2027');
    expect(choiceValues(menu)).toContain('set_week');
    expect(textOf(await h.send('web:organiser', { choice: 'set_week' }))).toContain('bắt đầu ngày nào');
    await h.send('web:organiser', '02/10/2027');
    expect(textOf(await h.send('web:organiser', '01/10/2027'))).toContain('Ngày kết thúc cần từ ngày bắt đầu trở đi');
    expect(textOf(await h.send('web:organiser', '30/11/2027'))).toContain('dài nhất 31 ngày');
    expect(textOf(await h.send('web:organiser', '08/10/2027'))).toContain('Chủ đề của Tuần lễ là gì?');
    const confirm = await h.send('web:organiser', 'Học tập suốt đời, vững bước tương lai');
    expect(textOf(confirm)).toContain('Lưu Tuần lễ hưởng ứng học tập suốt đời: 02/10/2027 – 08/10/2027 cho Tỉnh Sơn La?');
    expect(textOf(confirm)).toContain('Chủ đề: "Học tập suốt đời, vững bước tương lai"');
    expect(textOf(await h.send('web:organiser', { choice: 'yes' }))).toContain('Đã lưu');

    // What the Sơn La citizen reads in the menu and receives.
    const seen = textOf(await h.send('web:son-la', { choice: 'news' }));
    expect(seen).toContain('Tuần lễ hưởng ứng học tập suốt đời: 02/10/2027 – 08/10/2027');
    expect(seen).toContain('Học tập suốt đời, vững bước tương lai');
    await h.tickAt('2027-09-24T08:00:30+07:00');
    expect(await h.inbox('web:son-la')).toEqual([]);
    expect(textOf(await h.inbox('web:tay-ninh'))).toContain('01/10/2027 – 07/10/2027');
    await h.tickAt('2027-09-25T08:00:30+07:00');
    const ahead = textOf(await h.inbox('web:son-la'));
    expect(ahead).toContain('Còn 7 ngày nữa');
    expect(ahead).toContain('02/10/2027 – 08/10/2027');
    expect(ahead).toContain('Chủ đề: "Học tập suốt đời, vững bước tương lai"');
    expect(await h.inbox('web:tay-ninh')).toEqual([]);
  });

  it('lets only organisers set the week', async () => {
    const h = await harness('2027-08-20T09:00:00+07:00');
    await h.send('web:citizen', '/menu');
    expect(choiceValues(await h.send('web:citizen', { choice: 'news' }))).not.toContain('set_week');
    expect(textOf(await h.send('web:citizen', 'set_week'))).not.toContain('bắt đầu ngày nào');
  });

  it('sends nothing to people who said /stop, and /start offers the news again', async () => {
    const h = await harness('2027-09-01T09:00:00+07:00');
    await subscriber(h, 'web:quiet', 'to hieu', 'son-la.to-hieu');
    await h.send('web:quiet', 'dừng nhận tin');
    await h.tickAt('2027-09-24T08:00:30+07:00');
    expect(await h.inbox('web:quiet')).toEqual([]);

    const again = await h.send('web:quiet', '/start');
    expect(offerOf(again)).toBeDefined();
    // The place is known: yes subscribes at once.
    expect(textOf(await h.send('web:quiet', { choice: '/news_on' }))).toContain('Cảm ơn Anh/Chị!');
    expect((await h.app.users.get('web:quiet'))?.optOut).toBeUndefined();
    await h.tickAt('2027-10-01T08:00:30+07:00');
    const [opening] = await h.inbox('web:quiet');
    expect(opening?.text).toContain('Hôm nay bắt đầu Tuần lễ');
    // Every news message carries "Dừng nhận tin", which works from whatever question the chat is at.
    expect(opening?.choices).toEqual([{ label: 'Dừng nhận tin', value: '/stop' }]);
    await h.send('web:quiet', { choice: 'news' });
    expect(textOf(await h.send('web:quiet', { choice: '/stop' }))).toContain('Đã dừng gửi tin cho Anh/Chị');
    expect((await h.app.users.get('web:quiet'))?.optOut).toBeDefined();
  });

  it('forgets the subscription and every delivery record with /deletedata', async () => {
    const h = await harness('2027-09-01T09:00:00+07:00');
    await subscriber(h, 'web:gone', 'to hieu', 'son-la.to-hieu');
    await h.tickAt('2027-09-24T08:00:30+07:00');
    expect(textOf(await h.inbox('web:gone'))).toContain('Còn 7 ngày nữa');
    expect(textOf(await h.send('web:gone', '/mydata'))).toContain('Kết quả gửi 1 tin nhắn gần đây tới Anh/Chị');
    await h.send('web:gone', '/deletedata');
    await h.send('web:gone', { choice: 'yes' });
    expect(await traces(h, ['web:gone'])).toEqual([]);
    // The counts of the news, which name no one, stay.
    expect(await campaignStats(h.app, 'news:learning_week:2027')).toMatchObject({ sent: 1 });
    await h.tickAt('2027-10-01T08:00:30+07:00');
    expect(await h.inbox('web:gone')).toEqual([]);
  });
});
