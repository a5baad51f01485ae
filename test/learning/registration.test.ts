import type { Consent, LearningFile, Profile } from '../../src/learning/records.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTICE_VERSION } from '../../src/learning/consent.js';
import { choiceValues, createTestApp, textOf, type TestApp, keysMatching } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { as, learningStore, choiceLabelled, register } from './helpers.js';
import { CONSENT_FIELD } from '../../src/learning/store.js';

describe('learning citizen: consent and registration', () => {
  let t: TestApp;
  const clock = new FakeClock('2026-05-20T03:00:00Z');
  const keysOf = async (user: string) => (await keysMatching(t.app.redis, `${t.prefix}lc:*`)).filter((k) => k.includes(user));

  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('says what it collects, why, who sees it, how long and how to delete it, before the first personal question', async () => {
    const send = as(t, 'web:notice');
    await send('/menu');
    const notice = await send({ choice: 'learning' });
    const text = textOf(notice);
    for (const part of ['họ tên', 'năm sinh', 'minh chứng', 'Để:', 'cán bộ xã/phường xét duyệt', 'đến khi Anh/Chị xóa', '/mydata', '/deletedata', NOTICE_VERSION])
      expect(text).toContain(part);
    expect(choiceValues(notice)).toEqual(['yes', 'no']);
    expect(text).not.toContain('Họ và tên');
  });

  it('takes "tôi muốn đăng ký công dân học tập" typed at the menu to the registration, not to a search', async () => {
    const send = as(t, 'web:words');
    await send('/menu');
    const asked = await send('toi muon dang ky cong dan hoc tap');
    expect(textOf(asked)).toContain('/deletedata');
    expect(choiceValues(asked)).toEqual(['yes', 'no']);
  });

  it('stores nothing personal and goes back to the menu when consent is refused', async () => {
    const send = as(t, 'web:refuser');
    await send('/menu');
    await send({ choice: 'learning' });
    const refused = await send({ choice: 'no' });
    expect(textOf(refused)).toContain('không lưu thông tin nào');
    expect(choiceValues(refused)).toContain('learning');
    expect(await keysOf('web:refuser')).toEqual([]);
    expect((await t.app.users.get('web:refuser'))?.area).toBeUndefined();
    // Asked again next time, not registered behind their back.
    expect(choiceValues(await send({ choice: 'learning' }))).toEqual(['yes', 'no']);
  });

  it('records the consent with its time and notice version, then registers with a commune typed without diacritics', async () => {
    const send = as(t, 'web:an');
    const done = await register(send);
    expect(textOf(done)).toContain('năm 2026');
    expect(done.at(-1)?.choices?.map((c) => c.value)).toEqual(['log', 'activities', 'score', 'progress', 'submit', 'profile', 'back']);
    const store = learningStore(t);
    const consent = await store.consent('web:an');
    expect(consent).toEqual({ version: NOTICE_VERSION, at: clock.now().getTime() });
    const profile = await store.profile('web:an');
    expect(profile).toMatchObject({ name: 'Nguyễn Văn An', birthYear: 1985, area: 'son-la.to-hieu', group: 'resident', phone: '0912345678' });
    // Audiences find them by the commune they gave.
    expect(await t.app.users.inArea('son-la.to-hieu')).toContain('web:an');
    const file = await store.file('web:an', 2026);
    expect(file).toMatchObject({ year: 2026, area: 'son-la.to-hieu', status: 'registered' });
    expect(await t.app.redis.zscore(`${t.prefix}lc:idx:2026:registered:son-la.to-hieu`, 'web:an')).not.toBeNull();
  });

  it('offers the communes that match part of a name and lets the person search again; phone is optional', async () => {
    const send = as(t, 'web:binh');
    await send('/menu');
    await send({ choice: 'learning' });
    await send({ choice: 'yes' });
    await send('Trần Thị Bình');
    // All 34 provinces list their communes: too many for buttons, so people type.
    const provinces = await send('1990');
    expect(choiceValues(provinces)).toEqual([]);
    await send('tay ninh');
    expect(textOf(await send('bien hoa'))).toContain('Không thấy xã/phường này ở Tỉnh Tây Ninh');
    const matches = await send('long h');
    // Names that start with the words come first, then names that only contain them.
    expect(choiceValues(matches)).toEqual(['tay-ninh.long-hoa', 'tay-ninh.long-huu', 'tay-ninh.long-chu', 'tay-ninh.long-thuan', 'again', 'not_listed']);
    expect(textOf(await send({ choice: 'again' }))).toContain('Gõ tên xã/phường');
    await send({ choice: choiceLabelled(await send('hoa thanh'), 'Hòa Thành') });
    await send({ choice: 'worker' });
    expect(textOf(await send('12345'))).toContain('Số điện thoại chưa đúng');
    const done = await send({ choice: 'skip' });
    expect(textOf(done)).toContain('Đã đăng ký');
    const profile = ((await learningStore(t).profile('web:binh')) as Profile);
    expect(profile).toMatchObject({ area: 'tay-ninh.hoa-thanh', group: 'worker' });
    expect(profile.phone).toBeUndefined();
  });

  it('lets someone whose commune is missing from the data register under their province, typed or picked', async () => {
    const typed = as(t, 'web:remote');
    await typed('/menu');
    await typed({ choice: 'learning' });
    await typed({ choice: 'yes' });
    await typed('Lò Thị Mai');
    await typed('1992');
    const ask = await typed('Sơn La');
    expect(choiceValues(ask)).toEqual(['not_listed']);
    const missing = await typed('Mường Lạng Xa');
    expect(textOf(missing)).toContain('hoặc chọn "Không có trong danh sách"');
    const group = await typed('khong co trong danh sach');
    expect(textOf(group)).toContain('Tôi ghi địa bàn của Anh/Chị là Tỉnh Sơn La');
    expect(textOf(group)).toContain('nhóm nào');
    await typed({ choice: 'resident' });
    expect(textOf(await typed({ choice: 'skip' }))).toContain('Đã đăng ký');
    const profile = ((await learningStore(t).profile('web:remote')) as Profile);
    expect(profile.area).toBe('son-la');
    expect(await t.app.users.inArea('son-la')).toContain('web:remote');

    // Also from the list of near matches when none of them is theirs.
    const picked = as(t, 'web:remote2');
    await picked('/menu');
    await picked({ choice: 'learning' });
    await picked({ choice: 'yes' });
    await picked('Cầm Văn Sơn');
    await picked('1980');
    await picked('tây ninh');
    await picked('long');
    expect(textOf(await picked({ choice: 'not_listed' }))).toContain('Tỉnh Tây Ninh');
  });

  it('takes a typed "quay lại" as the question\'s own back choice, and as the way to the menu where there is none', async () => {
    const send = as(t, 'web:back');
    await register(send);
    await send({ choice: 'profile' });
    expect(choiceValues(await send('quay lai'))).toEqual(['log', 'activities', 'score', 'progress', 'submit', 'profile', 'back']);
    await send({ choice: 'log' });
    const menu = await send('Quay lại');
    expect(choiceValues(menu)).toContain('qa');
    expect(choiceValues(menu)).toContain('learning');
  });

  it('refuses a name with digits, an impossible birth year and an unknown province, asking again each time', async () => {
    const send = as(t, 'web:typo');
    await send('/menu');
    await send({ choice: 'learning' });
    await send({ choice: 'yes' });
    expect(textOf(await send('12345'))).toContain('Họ tên chỉ gồm chữ');
    await send('Lò Văn Típ');
    expect(textOf(await send('2030'))).toContain('Năm sinh cần từ 1916 đến 2021');
    expect(textOf(await send('năm tám lăm'))).toContain('nhập một con số');
    await send('1975');
    expect(textOf(await send('Atlantis'))).toContain('không tìm thấy tỉnh/thành hay xã/phường');
    expect(textOf(await send('ha noi'))).toContain('Gõ tên xã/phường');
  });

  it('finds a commune typed in place of the province, with or without marks or its kind, and asks which one when several provinces have it', async () => {
    const start = async (user: string) => {
      const send = as(t, user);
      await send('/menu');
      await send({ choice: 'learning' });
      await send({ choice: 'yes' });
      await send('Hà Văn Lập');
      await send('1988');
      return send;
    };
    // Three provinces have a Xã Tân Lập (and Đắk Lắk a Phường Tân Lập, which "xa" leaves out).
    const several = await start('web:tanlap');
    const which = await several('xa tan lap');
    expect(which.at(-1)?.choices?.map((c) => c.label)).toEqual([
      'Xã Tân Lập, Tỉnh Lâm Đồng',
      'Xã Tân Lập, Tỉnh Quảng Trị',
      'Xã Tân Lập, Tỉnh Tây Ninh',
      'Tìm lại',
    ]);
    await several({ choice: choiceLabelled(which, 'Quảng Trị') });
    await several({ choice: 'resident' });
    expect(textOf(await several({ choice: 'skip' }))).toContain('Đã đăng ký');
    expect(((await learningStore(t).profile('web:tanlap')) as Profile).area).toBe('quang-tri.tan-lap');

    for (const [user, typed] of [['web:p1', 'p chieng an'], ['web:p2', 'chieng an'], ['web:p3', 'Phường Chiềng An']] as const) {
      const send = await start(user);
      const one = await send(typed);
      expect(one.at(-1)?.choices?.map((c) => c.label), typed).toEqual(['Phường Chiềng An, Tỉnh Sơn La', 'Tìm lại']);
    }

    // Nothing of that name anywhere: asked again; "not in the list" then asks the province after all.
    const lost = await start('web:lost');
    await lost('chieng an');
    expect(textOf(await lost({ choice: 'again' }))).toContain('Gõ tên xã/phường');
    expect(textOf(await lost('Atlantis'))).toContain('không tìm thấy xã/phường nào tên này');
    expect(textOf(await lost({ choice: 'not_listed' }))).toContain('tỉnh/thành nào');
  });

  it('lets the person change their details later; a change of commune moves the year file and the audience', async () => {
    const send = as(t, 'web:mover');
    await register(send);
    const profile = await send({ choice: 'profile' });
    expect(textOf(profile)).toContain('Phường Tô Hiệu');
    expect(choiceValues(profile)).toEqual(['name', 'birth_year', 'area', 'group', 'phone', 'back']);
    await send({ choice: 'area' });
    await send('son la');
    const saved = await send({ choice: choiceLabelled(await send('chieng an'), 'Chiềng An') });
    expect(textOf(saved)).toContain('Phường Chiềng An');
    // Changing one's mind about the phone keeps the number; removing it is a choice that says so.
    const phone = await send({ choice: 'phone' });
    expect(phone.at(-1)?.choices?.map((c) => c.label)).toEqual(['Xóa số điện thoại', 'Quay lại']);
    expect(textOf(await send('quay lại'))).toContain('Điện thoại: 0912345678');
    await send({ choice: 'phone' });
    expect(textOf(await send({ choice: 'skip' }))).toContain('Điện thoại: không có');
    const none = await send({ choice: 'phone' });
    expect(choiceValues(none)).toEqual(['back']);
    expect(textOf(await send('0987 654 321'))).toContain('Điện thoại: 0987654321');
    const file = ((await learningStore(t).file('web:mover', 2026)) as LearningFile);
    expect(file.area).toBe('son-la.chieng-an');
    expect(await t.app.redis.zscore(`${t.prefix}lc:idx:2026:registered:son-la.to-hieu`, 'web:mover')).toBeNull();
    expect(await t.app.redis.zscore(`${t.prefix}lc:idx:2026:registered:son-la.chieng-an`, 'web:mover')).not.toBeNull();
    expect(await t.app.users.inArea('son-la.chieng-an')).toContain('web:mover');
    expect(await t.app.users.inArea('son-la.to-hieu')).not.toContain('web:mover');
    expect(choiceValues(await send({ choice: 'back' }))).toContain('log');
  });

  it('asks a person registered last year only to confirm their details for the new year', async () => {
    const send = as(t, 'web:returning');
    await register(send);
    clock.set('2027-01-05T03:00:00Z');
    try {
      const hub = await send({ choice: 'back' }).then(() => send({ choice: 'learning' }));
      expect(textOf(hub)).toContain('Hồ sơ năm 2026');
      expect(choiceValues(hub)[0]).toBe('register');
      const confirm = await send({ choice: 'register' });
      expect(textOf(confirm)).toContain('Nguyễn Văn An');
      expect(textOf(confirm)).toContain('Đăng ký năm 2027');
      const done = await send({ choice: 'yes' });
      expect(textOf(done)).toContain('Đã đăng ký Công dân học tập năm 2027');
      expect(textOf(done)).toContain('Hồ sơ năm 2027');
    } finally {
      clock.set('2026-05-20T03:00:00Z');
    }
  });

  it('asks again when the notice changed, and tells someone who says no that their data is kept until they delete it', async () => {
    const send = as(t, 'web:old-notice');
    await register(send);
    await t.app.redis.hset(learningStore(t).keys.person('web:old-notice'), CONSENT_FIELD, JSON.stringify({ v: '2025-0', t: 1 }));
    await send('/menu');
    const again = await send({ choice: 'learning' });
    expect(textOf(again)).toContain(`Thông báo bản ${NOTICE_VERSION}`);
    const refused = await send({ choice: 'no' });
    expect(textOf(refused)).toContain('vẫn được giữ; muốn xóa, gõ /deletedata');
    expect(await learningStore(t).profile('web:old-notice')).toBeDefined();
    await send({ choice: 'learning' });
    const back = await send({ choice: 'yes' });
    expect(textOf(back)).toContain('Hồ sơ năm 2026: đang chuẩn bị');
    expect(back.at(-1)?.choices?.map((c) => c.value)).toContain('log');
    expect(((await learningStore(t).consent('web:old-notice')) as Consent).version).toBe(NOTICE_VERSION);
  });

  it('speaks English to someone who chose it', async () => {
    const send = as(t, 'web:english');
    await send('/lang en');
    await send('/menu');
    const notice = await send({ choice: 'learning' });
    expect(textOf(notice)).toContain('Do you agree?');
    expect(notice.at(-1)?.choices?.map((c) => c.label)).toEqual(['I agree', 'I do not agree']);
    expect(textOf(await send({ choice: 'yes' }))).toContain('Your full name?');
  });

  it('keeps personal questions out of group chats', async () => {
    const replies = await t.send('telegram:-100', { text: '/menu', chat: 'group' }).then(() => t.send('telegram:-100', { choice: 'learning', chat: 'group' }));
    expect(textOf(replies)).toContain('trò chuyện riêng');
  });
});
