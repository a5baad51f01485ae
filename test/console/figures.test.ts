import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LearningContext } from '../../src/learning/context.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { ConsoleBrowser, readCsv, signedInBrowser } from '../support/console.js';
import { learningContext, seedFile } from '../support/learning.js';

const ADMIN = 'telegram:9301';
const OFFICER_A = 'telegram:9311';
const PROVINCE = 'telegram:9313';
const CITIZEN = 'telegram:9321';

/** The figures page of a province and of a commune, for a store seeded with known files. */
describe('console figures: dashboard, CSV and XLSX', () => {
  let t: TestApp;
  let ctx: LearningContext;
  const clock = new FakeClock('2026-05-12T03:00:00Z');

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { ADMIN_IDS: ADMIN } });
    ctx = learningContext(t.app);
    const grantedAt = clock.now().getTime();
    await t.app.roles.grant(OFFICER_A, { role: 'officer', area: 'son-la.chieng-an', unit: 'commune_committee', grantedAt });
    await t.app.roles.grant(PROVINCE, { role: 'officer', area: 'son-la', unit: 'province_department', grantedAt });
    for (const u of [ADMIN, OFFICER_A, PROVINCE, CITIZEN]) await t.send(u, '/start');
    // Chiềng An: 4 registered, 3 submitted (1 waiting, 1 returned, 1 recognised); Tô Hiệu: 2 registered, 2 recognised.
    await seedFile(ctx, 'web:c1', { name: 'Cư Dân Một', area: 'son-la.chieng-an' });
    await seedFile(ctx, 'web:c2', { name: 'Cư Dân Hai', area: 'son-la.chieng-an', status: 'submitted' });
    await seedFile(ctx, 'web:c3', { name: 'Cư Dân Ba', area: 'son-la.chieng-an', status: 'returned', reason: 'Thiếu ảnh', officer: ADMIN });
    await seedFile(ctx, 'web:c4', { name: 'Cư Dân Bốn', area: 'son-la.chieng-an', status: 'approved', officer: ADMIN });
    clock.set('2026-03-02T03:00:00Z');
    await seedFile(ctx, 'web:t1', { name: 'Tô Một', area: 'son-la.to-hieu', status: 'approved', officer: ADMIN });
    await seedFile(ctx, 'web:t2', { name: 'Tô Hai', area: 'son-la.to-hieu', status: 'approved', officer: ADMIN });
    clock.set('2026-05-12T03:00:00Z');
    await t.app.http.ready();
  });
  afterAll(() => t?.close());

  const signedIn = (user: string) => signedInBrowser(t.app, user);

  const cell = (body: string, area: string, col: string) => new RegExp(`data-area="${area.replace('.', '\\.')}"[\\s\\S]*?data-col="${col}">([^<]*)<`).exec(body)?.[1];

  it('shows a province officer every commune, the province share against the targets, and both charts', async () => {
    const province = await signedIn(PROVINCE);
    const page = await province.get('/admin/figures');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Công dân học tập năm 2026 ở Tỉnh Sơn La');
    expect(cell(page.body, 'son-la', 'registered')).toBe('6');
    expect(cell(page.body, 'son-la', 'recognised')).toBe('3');
    expect(cell(page.body, 'son-la.chieng-an', 'waiting')).toBe('1');
    expect(cell(page.body, 'son-la.chieng-an', 'returned')).toBe('1');
    expect(cell(page.body, 'son-la.to-hieu', 'recognised')).toBe('2');
    // Every commune of the province has its row, with or without files.
    expect(page.body.match(/<tr data-area="son-la\./g)?.length).toBe(t.app.areas.children('son-la').length);
    expect(page.body).toMatch(/Mục tiêu 40 % \(2025\)|Mục tiêu 40% \(2025\)/);
    expect(page.body).toContain('Còn thiếu');
    // The charts' data: a bar per commune, and the running totals of January to May.
    const data = JSON.parse(/id="figures-data">([^<]*)</.exec(page.body)?.[1] ?? '{}') as { areas: { labels: string[]; series: { data: number[] }[] }; months: { labels: string[]; series: { label: string; data: number[] }[] } };
    expect(data.areas.labels).toHaveLength(t.app.areas.children('son-la').length);
    expect(data.months.labels).toEqual(['01/2026', '02/2026', '03/2026', '04/2026', '05/2026']);
    expect(data.months.series.find((s) => s.label === 'Đã công nhận')?.data).toEqual([0, 0, 2, 2, 3]);
    // The chart library comes from the bot itself.
    expect(page.body).toContain('<script src="/admin/figures/chart.umd.min.js">');
    const lib = await province.get('/admin/figures/chart.umd.min.js');
    expect(lib.status).toBe(200);
    expect(lib.body).toContain('Chart');
    // And in English.
    await province.post('/admin/lang', { lang: 'en', back: '/admin/figures' }, '/admin/figures');
    expect((await province.get('/admin/figures')).body).toContain('Learning citizens 2026 in Tỉnh Sơn La');
  });

  it('downloads the same figures as CSV (UTF-8 with BOM) and XLSX, and notes each download in the audit log', async () => {
    const province = await signedIn(PROVINCE);
    const csv = await province.get('/admin/figures.csv?area=son-la&year=2026');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const lines = readCsv(csv.body.slice(1));
    expect(lines[0]?.slice(0, 7)).toEqual(['Mã', 'Địa bàn', 'Đã đăng ký', 'Đã nộp', 'Chờ duyệt', 'Trả lại', 'Đã công nhận']);
    expect(lines.find((l) => l[0] === 'son-la.chieng-an')?.slice(2, 7)).toEqual(['4', '3', '1', '1', '1']);

    const res = await t.app.http.inject({ url: '/admin/figures.xlsx?area=son-la&year=2026', cookies: Object.fromEntries(province.cookies) });
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const row = sheet?.getRows(1, sheet.rowCount)?.find((r) => r.getCell(1).value === 'son-la.to-hieu');
    expect([2, 3, 4, 5, 6, 7].map((c) => row?.getCell(c + 1).value)).toEqual([2, 2, 0, 0, 2, '']);
    expect(book.worksheets[1]?.getRow(4).values).toEqual([undefined, '2026-03', 2, 2, 0, 2]);

    const admin = await signedIn(ADMIN);
    const audit = await admin.get('/admin/audit');
    expect(audit.body).toContain('figures.export.csv');
    expect(audit.body).toContain('figures.export.xlsx');
  });

  it('shows a commune officer their commune only: another commune, the province and their exports are not found', async () => {
    const officer = await signedIn(OFFICER_A);
    const own = await officer.get('/admin/figures');
    expect(own.status).toBe(200);
    expect(cell(own.body, 'son-la.chieng-an', 'registered')).toBe('4');
    expect(own.body).not.toContain('data-area="son-la.to-hieu"');
    for (const path of ['/admin/figures?area=son-la.to-hieu', '/admin/figures?area=son-la', '/admin/figures.csv?area=son-la.to-hieu', '/admin/figures.xlsx?area=son-la', '/admin/figures?area=nowhere']) {
      const res = await officer.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('Tô Hiệu');
    }
    expect((await officer.get('/admin/figures?year=soon')).status).toBe(400);
  });

  it('gives a citizen or someone without a session nothing', async () => {
    const citizen = new ConsoleBrowser(t.app);
    const refused = await t.app.bot.handle({ user: CITIZEN, text: '/web' });
    expect(refused.some((r) => r.link)).toBe(false);
    for (const path of ['/admin/figures?area=son-la', '/admin/figures.csv?area=son-la', '/admin/figures.xlsx?area=son-la', '/admin/figures/chart.umd.min.js']) {
      const res = await citizen.get(path);
      expect(res.status, path).toBe(401);
      expect(res.body).not.toContain('Chiềng An');
    }
    // A forged sign-in link opens nothing.
    const forged = await citizen.signIn(`http://127.0.0.1/admin/login/${'x'.repeat(43)}`);
    expect(forged.status).toBe(404);
    expect((await citizen.get('/admin/figures?area=son-la')).status).toBe(401);
    // An officer whose role is taken away is a citizen again: the open session shows nothing more.
    const former = 'telegram:9331';
    await t.app.roles.grant(former, { role: 'officer', area: 'son-la', unit: 'province_department', grantedAt: clock.now().getTime() });
    await t.send(former, '/start');
    const session = await signedIn(former);
    expect((await session.get('/admin/figures')).status).toBe(200);
    await t.app.roles.forget(former);
    const after = await session.get('/admin/figures.csv?area=son-la');
    expect(after.status).toBe(401);
    expect(after.body).not.toContain('Chiềng An');
  });
});
