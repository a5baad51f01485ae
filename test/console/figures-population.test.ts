import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LearningContext } from '../../src/learning/context.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { ConsoleBrowser, readCsv, signedInBrowser } from '../support/console.js';
import { learningContext, seedFile } from '../support/learning.js';

const ADMIN = 'telegram:9401';
const OFFICER_A = 'telegram:9411';
const OFFICER_B = 'telegram:9412';
const PROVINCE = 'telegram:9413';
const CITIZEN = 'telegram:9421';
const CHIENG_AN = 'son-la.chieng-an';
const PAGE = `/admin/figures?area=${CHIENG_AN}&year=2026`;

interface ChartData {
  areas: { labels: string[]; target?: { label: string; data: (number | null)[] } };
}
const chartOf = (body: string) => JSON.parse(/id="figures-data">([^<]*)</.exec(body)?.[1] ?? '{}') as ChartData;

/** A commune's population given in the console, where data/areas.yaml has none: the share and the target line follow it. */
describe('console figures: a commune gives its population', () => {
  let t: TestApp;
  let ctx: LearningContext;
  const clock = new FakeClock('2026-05-12T03:00:00Z');
  const given = () => t.app.redis.hgetall(`${t.app.prefix}lc:pop:{son-la}`);
  const audited = async () => (await (await signedInBrowser(t.app, ADMIN)).get('/admin/audit')).body.match(/figures\.population/g)?.length ?? 0;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { ADMIN_IDS: ADMIN } });
    ctx = learningContext(t.app);
    const grantedAt = clock.now().getTime();
    await t.app.roles.grant(OFFICER_A, { role: 'officer', area: CHIENG_AN, unit: 'commune_committee', grantedAt });
    await t.app.roles.grant(OFFICER_B, { role: 'officer', area: 'son-la.to-hieu', unit: 'commune_committee', grantedAt });
    await t.app.roles.grant(PROVINCE, { role: 'officer', area: 'son-la', unit: 'province_department', grantedAt });
    for (const u of [ADMIN, OFFICER_A, OFFICER_B, PROVINCE, CITIZEN]) await t.send(u, '/start');
    // Chiềng An: 3 registered, 2 recognised.
    await seedFile(ctx, 'web:p1', { name: 'Cư Dân Một', area: CHIENG_AN });
    await seedFile(ctx, 'web:p2', { name: 'Cư Dân Hai', area: CHIENG_AN, status: 'approved', officer: ADMIN });
    await seedFile(ctx, 'web:p3', { name: 'Cư Dân Ba', area: CHIENG_AN, status: 'approved', officer: ADMIN });
    await t.app.http.ready();
  });
  afterAll(() => t?.close());

  it('refuses bad input with a clear error, changing nothing', async () => {
    const officer = await signedInBrowser(t.app, OFFICER_A);
    const good = { area: CHIENG_AN, year: '2026', population: '1000', population_year: '2025', source: 'Báo cáo UBND phường 2025' };
    const cases: [Partial<typeof good>, string, string][] = [
      [{ population: '0' }, 'population', 'Số dân phải là số nguyên dương'],
      [{ population: '2000000' }, 'population', 'nhỏ hơn 2.000.000'],
      [{ population: '12,5' }, 'population', 'Số dân phải là số nguyên dương'],
      [{ population: 'nhiều' }, 'population', 'Số dân phải là số nguyên dương'],
      [{ population_year: '2019' }, 'population_year', 'Năm số liệu phải từ 2020 đến 2026'],
      [{ population_year: '2027' }, 'population_year', 'Năm số liệu phải từ 2020 đến 2026'],
      [{ source: '  ' }, 'source', 'Anh/Chị ghi nguồn của số dân'],
    ];
    for (const [change, field, text] of cases) {
      const res = await officer.post('/admin/figures/population', { ...good, ...change }, PAGE);
      expect(res.status, JSON.stringify(change)).toBe(200);
      expect(res.body).toContain(`data-error="${field}"`);
      expect(res.body).toContain(text);
      expect(res.body).toContain('Chưa lưu gì.');
      // What was typed is shown back to be corrected.
      expect(res.body).toContain(`value="${{ ...good, ...change }[field as keyof typeof good].replace(/"/g, '&quot;')}"`);
      expect(res.body).not.toContain('data-origin="commune"');
    }
    expect(await given()).toEqual({});
    expect(await audited()).toBe(0);
  });

  it('lets the commune officer set it: the page shows the share against the targets and the target line, labelled with its year and source', async () => {
    const officer = await signedInBrowser(t.app, OFFICER_A);
    const before = await officer.get(PAGE);
    expect(before.body).toContain('Chưa có số dân của địa bàn này');
    expect(before.body).toContain('data-population-form');
    expect(chartOf(before.body).areas.target).toBeUndefined();

    // Written as a Vietnamese reader writes it, with a dot between thousands.
    const saved = await officer.post('/admin/figures/population', { area: CHIENG_AN, year: '2026', population: '1.000', population_year: '2025', source: 'Báo cáo UBND phường 2025' }, PAGE);
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`${PAGE}&saved=1`);

    const page = await officer.get(`${PAGE}&saved=1`);
    expect(page.body).toContain('Đã lưu số dân.');
    // 2 recognised of 1,000 people.
    expect(page.body).toMatch(/Đã công nhận 0,2\s?% dân số \(1\.000 người\)/);
    expect(page.body).toContain('Số dân do xã, phường cung cấp, số liệu năm 2025 (nguồn: Báo cáo UBND phường 2025).');
    expect(page.body).toContain('Còn thiếu 398 người'); // 40% of 1,000 is 400
    expect(page.body).toContain('Còn thiếu 598 người'); // 60%
    expect(chartOf(page.body).areas.target?.data).toEqual([600]);
    expect(page.body).toMatch(/data-col="population" data-origin="commune" title="[^"]*Báo cáo UBND phường 2025[^"]*">1\.000\*</);
    // The form shows what is stored, to be corrected next year.
    expect(page.body).toContain('name="source" maxlength="200" required placeholder="Báo cáo UBND phường 2025" value="Báo cáo UBND phường 2025"');

    // The province's page: the commune's bar has its target, the others none; the province's own figure is from the file.
    const province = await signedInBrowser(t.app, PROVINCE);
    const whole = await province.get('/admin/figures?area=son-la&year=2026');
    const chart = chartOf(whole.body);
    const at = chart.areas.labels.indexOf('Phường Chiềng An');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(chart.areas.target?.data[at]).toBe(600);
    expect(chart.areas.target?.data.filter((v) => v !== null)).toEqual([600]);
    expect(whole.body).toContain('Số dân theo bản đồ địa bàn (data/areas.yaml), số liệu năm 2025.');
    expect(whole.body).toContain('* Số dân do xã, phường cung cấp.');
    expect(whole.body).not.toContain('data-population-form');

    // The exports carry the population with its year and origin.
    const lines = readCsv((await province.get('/admin/figures.csv?area=son-la&year=2026')).body.slice(1));
    expect(lines[0]?.slice(7)).toEqual(['Dân số', 'Tỷ lệ công nhận (%)', 'Năm số dân', 'Nguồn số dân']);
    expect(lines.find((l) => l[0] === CHIENG_AN)?.slice(7)).toEqual(['1000', '0.2', '2025', 'Xã, phường cung cấp: Báo cáo UBND phường 2025']);
    expect(lines.find((l) => l[0] === 'son-la')?.slice(9)).toEqual(['2025', 'Bản đồ địa bàn (data/areas.yaml)']);

    const admin = await signedInBrowser(t.app, ADMIN);
    const audit = await admin.get('/admin/audit');
    expect(audit.body).toContain('figures.population');
    expect(audit.body).toContain(`${CHIENG_AN} 1000 (2025)`);
  });

  it("changes nothing for another commune's officer, a request without the CSRF token, a citizen, or the province's own figure", async () => {
    const before = await given();
    expect(Object.keys(before)).toEqual([CHIENG_AN]);
    const form = { area: CHIENG_AN, year: '2026', population: '5000', population_year: '2026', source: 'Số khác' };

    const other = await signedInBrowser(t.app, OFFICER_B);
    const refused = await other.post('/admin/figures/population', form, '/admin/figures');
    expect(refused.status).toBe(404);
    expect(refused.body).not.toContain('Chiềng An');

    const officer = await signedInBrowser(t.app, OFFICER_A);
    expect((await officer.post('/admin/figures/population', form)).status).toBe(403);

    const citizen = new ConsoleBrowser(t.app);
    expect((await citizen.post('/admin/figures/population', form, '/admin')).status).toBe(401);

    // Provinces take their figure from the map.
    const province = await signedInBrowser(t.app, PROVINCE);
    expect((await province.post('/admin/figures/population', { ...form, area: 'son-la' }, '/admin/figures')).status).toBe(400);

    expect(await given()).toEqual(before);
    expect(await audited()).toBe(1);

    // The province's officer may give a commune of the province its figure.
    const res = await province.post('/admin/figures/population', { ...form, area: 'son-la.to-hieu' }, '/admin/figures');
    expect(res.status).toBe(303);
    expect(Object.keys(await given()).sort()).toEqual([CHIENG_AN, 'son-la.to-hieu']);
    expect(await given()).toMatchObject({ [CHIENG_AN]: before[CHIENG_AN] });
  });
});
