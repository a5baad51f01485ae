import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleKeys } from '../../src/console/keys.js';
import { ConsoleBrowser, consoleLink, csrfOf } from '../support/console.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { takeWebMessages } from '../support/web.js';
import { askOfficers } from './helpers.js';

const OFFICER_A = 'web:qc-officer-chieng-an';
const OFFICER_B = 'web:qc-officer-to-hieu';
const PROVINCE = 'web:qc-officer-son-la';
const QUESTION = 'Tủ sách của phường ở nhà văn hóa tổ 2 có mở cửa vào Chủ nhật không?';
const ANSWER = 'Tủ sách mở cửa sáng Chủ nhật, từ 8 giờ đến 11 giờ.';

/** The console's Questions page over HTTP: grouped questions, the answer form, and its guards. */
describe('the console Questions page', () => {
  let t: TestApp;
  const settle = () => t.app.outbound.idle?.();

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.start();
    const grantedAt = Date.now();
    await t.app.roles.grant(OFFICER_A, { role: 'officer', area: 'son-la.chieng-an', unit: 'ubnd_xa', grantedAt });
    await t.app.roles.grant(OFFICER_B, { role: 'officer', area: 'son-la.to-hieu', grantedAt });
    await t.app.roles.grant(PROVINCE, { role: 'officer', area: 'son-la', grantedAt });
    for (const u of [OFFICER_A, OFFICER_B, PROVINCE]) await t.send(u, '/start');
    await askOfficers(t, 'web:qc-an', 'son-la.chieng-an', QUESTION);
    await askOfficers(t, 'web:qc-ba', 'son-la.chieng-an', 'Tủ sách nhà văn hoá tổ 2 có mở cửa vào chủ nhật không vậy?');
    await askOfficers(t, 'web:qc-cu', 'son-la.to-hieu', 'Sân bóng rổ ở tổ 9 phường Tô Hiệu có đèn chiếu sáng buổi tối không?');
    await settle();
    await t.app.http.ready();
  });
  afterAll(() => t?.close());

  async function signedIn(user: string): Promise<ConsoleBrowser> {
    const browser = new ConsoleBrowser(t.app);
    expect((await browser.signIn(await consoleLink(t.app, user))).status).toBe(303);
    return browser;
  }

  const idsOf = (page: string): string => /name="ids" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const openCount = async () => (await t.app.redis.hlen(`${t.prefix}questions:open:son-la.chieng-an`));

  it('shows an officer their ward\'s questions, alike ones as one, and nothing of another ward', async () => {
    const a = await signedIn(OFFICER_A);
    const home = await a.get('/admin');
    expect(home.body).toContain('href="/admin/questions"');
    const page = await a.get('/admin/questions');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Phường Chiềng An, Tỉnh Sơn La · 2 người hỏi');
    expect(page.body).toContain(QUESTION);
    expect(page.body).not.toContain('bóng rổ');
    // No person's id on the page.
    expect(page.body).not.toContain('web:qc-');
    expect(idsOf(page.body).split(' ')).toHaveLength(2);

    const b = await signedIn(OFFICER_B);
    const theirs = await b.get('/admin/questions');
    expect(theirs.body).toContain('bóng rổ');
    expect(theirs.body).not.toContain('Tủ sách');

    // The province's officer sees both wards.
    const province = await (await signedIn(PROVINCE)).get('/admin/questions');
    expect(province.body).toContain('Tủ sách');
    expect(province.body).toContain('bóng rổ');
  });

  it('refuses a forged answer: another ward\'s officer, no CSRF token, an empty answer; nothing changes', async () => {
    const ids = idsOf((await (await signedIn(OFFICER_A)).get('/admin/questions')).body);
    const b = await signedIn(OFFICER_B);
    const other = await b.post('/admin/questions/answer', { area: 'son-la.chieng-an', ids, answer: 'Không mở.' }, '/admin/questions');
    expect(other.status).toBe(404);
    expect(other.body).not.toContain('Tủ sách');

    const a = await signedIn(OFFICER_A);
    const noToken = await a.post('/admin/questions/answer', { area: 'son-la.chieng-an', ids, answer: 'Không mở.' });
    expect(noToken.status).toBe(403);
    const empty = await a.post('/admin/questions/answer', { area: 'son-la.chieng-an', ids, answer: '  ' }, '/admin/questions');
    expect(empty.status).toBe(400);
    // An id of another ward's question, posted as this ward's: not found there, so nothing is answered.
    const foreign = idsOf((await b.get('/admin/questions')).body);
    const crossed = await a.post('/admin/questions/answer', { area: 'son-la.chieng-an', ids: foreign, answer: 'Có đèn.' }, '/admin/questions');
    expect(crossed.headers.location).toBe('/admin/questions?gone=1');

    expect(await openCount()).toBe(2);
    expect(await t.app.redis.hlen(`${t.prefix}questions:open:son-la.to-hieu`)).toBe(1);
    expect(await t.app.redis.exists(`${t.prefix}questions:notes`)).toBe(0);
    await settle();
    expect(await takeWebMessages(t.app, 'web:qc-an')).toEqual([]);
    expect(await takeWebMessages(t.app, 'web:qc-cu')).toEqual([]);
  });

  it('answers everyone in a group, keeps the note, writes the audit log, and the next person is answered from it', async () => {
    const a = await signedIn(OFFICER_A);
    const page = await a.get('/admin/questions');
    const res = await a.post('/admin/questions/answer', { _csrf: csrfOf(page.body), area: 'son-la.chieng-an', ids: idsOf(page.body), answer: ANSWER, keep: 'on', note_question: 'Tủ sách nhà văn hóa tổ 2 có mở cửa Chủ nhật không?' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/questions?answered=2&note=1');
    const after = await a.get(res.headers.location as string);
    expect(after.body).toContain('Đã gửi câu trả lời tới 2 người.');
    expect(after.body).toContain('Không có câu hỏi nào đang chờ trả lời.');
    await settle();
    for (const u of ['web:qc-an', 'web:qc-ba']) {
      const got = textOf(await takeWebMessages(t.app, u));
      expect(got).toContain(ANSWER);
      expect(got).toContain('Trả lời của Ủy ban nhân dân phường Chiềng An');
    }

    const audit = (await t.app.redis.lrange(consoleKeys(t.prefix).audit, 0, 5)).map((e) => JSON.parse(e) as { action: string; area?: string; target: string });
    expect(audit.find((e) => e.action === 'questions.answer')).toMatchObject({ area: 'son-la.chieng-an', target: '2 questions' });
    expect(audit.find((e) => e.action === 'questions.note')).toMatchObject({ area: 'son-la.chieng-an' });
    expect(JSON.stringify(audit)).not.toContain('web:');

    await t.send('web:qc-dao', '/start');
    await t.app.users.setArea('web:qc-dao', 'son-la.chieng-an');
    const next = textOf(await t.send('web:qc-dao', 'Tủ sách ở nhà văn hóa tổ 2 Chủ nhật có mở cửa không ạ?'));
    expect(next).toContain(ANSWER);
    expect(next).toMatch(/Trả lời của Ủy ban nhân dân phường Chiềng An, \d\d\/\d\d\/\d{4}/);
  });

  it('sends one answer when the ward\'s and the province\'s officers answer the same question at once', async () => {
    await askOfficers(t, 'web:qc-gia', 'son-la.chieng-an', 'Nhà văn hóa tổ 9 có cho mượn phòng họp để sinh hoạt câu lạc bộ thơ không?');
    await settle();
    const a = await signedIn(OFFICER_A);
    const province = await signedIn(PROVINCE);
    const [pageA, pageP] = [await a.get('/admin/questions'), await province.get('/admin/questions')];
    const ids = idsOf(pageA.body);
    const [one, two] = await Promise.all([
      a.post('/admin/questions/answer', { _csrf: csrfOf(pageA.body), area: 'son-la.chieng-an', ids, answer: 'Có, đăng ký với tổ trưởng.' }),
      province.post('/admin/questions/answer', { _csrf: csrfOf(pageP.body), area: 'son-la.chieng-an', ids, answer: 'Được, liên hệ phường.' }),
    ]);
    expect([one.headers.location, two.headers.location].sort()).toEqual(['/admin/questions?answered=1', '/admin/questions?gone=1']);
    await settle();
    expect(await takeWebMessages(t.app, 'web:qc-gia')).toHaveLength(1);
  });

  it('lists the notes and lets only an officer of their ward stop the bot using one', async () => {
    const a = await signedIn(OFFICER_A);
    const page = await a.get('/admin/questions');
    expect(page.body).toContain('Tủ sách nhà văn hóa tổ 2 có mở cửa Chủ nhật không?');
    const note = /name="note" value="([^"]+)"/.exec(page.body)?.[1] as string;
    expect((await (await signedIn(OFFICER_B)).get('/admin/questions')).body).not.toContain('Tủ sách');

    const b = await signedIn(OFFICER_B);
    expect((await b.post('/admin/questions/notes/drop', { note }, '/admin/questions')).status).toBe(404);
    expect(await t.app.redis.hlen(`${t.prefix}questions:notes`)).toBe(1);
    const bad = await a.post('/admin/questions/notes/drop', { note: '<script>' }, '/admin/questions');
    expect(bad.status).toBe(400);
    expect(await t.app.redis.hlen(`${t.prefix}questions:notes`)).toBe(1);

    const dropped = await a.post('/admin/questions/notes/drop', { note }, '/admin/questions');
    expect(dropped.headers.location).toBe('/admin/questions?dropped=1');
    expect((await a.get('/admin/questions')).body).toContain('Chưa có ghi chú nào.');
    expect((await t.app.redis.lrange(consoleKeys(t.prefix).audit, 0, 0))[0]).toContain('"action":"questions.note-drop"');
    await t.send('web:qc-em', '/start');
    await t.app.users.setArea('web:qc-em', 'son-la.chieng-an');
    expect(textOf(await t.send('web:qc-em', 'Tủ sách ở nhà văn hóa tổ 2 Chủ nhật có mở cửa không ạ?'))).toContain('chưa tìm thấy nội dung phù hợp');
  });

  it('keeps the page from citizens', async () => {
    await t.send('web:qc-citizen', '/start');
    const refused = textOf(await t.send('web:qc-citizen', '/web'));
    expect(refused).toContain('chỉ dành cho cán bộ');
    const anonymous = await new ConsoleBrowser(t.app).get('/admin/questions');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toContain('Tủ sách');
  });
});
