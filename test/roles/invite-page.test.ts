import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/console/audit.js';
import { consoleKeys } from '../../src/console/keys.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { signedInBrowser, type ConsoleBrowser } from '../support/console.js';

const ORG = 'telegram:6001';
const OTHER_ORG = 'telegram:6002';

describe('invite codes in the console', () => {
  let t: TestApp;
  let org: ConsoleBrowser;
  let other: ConsoleBrowser;

  async function signedIn(user: string, area: string): Promise<ConsoleBrowser> {
    await t.send(user, '/start');
    await t.app.roles.grant(user, { role: 'organiser', area, grantedAt: Date.now() });
    return signedInBrowser(t.app, user);
  }

  /** Makes an invite through the page's form and gives the code it shows once. */
  async function make(browser: ConsoleBrowser, form: Record<string, string>): Promise<string> {
    const res = await browser.post('/admin/invites', { role: 'officer', unit: 'any', days: '7', ...form }, '/admin/invites');
    expect(res.status, res.body.slice(-600)).toBe(200);
    const code = /data-code>([0-9A-Z]{5}-[0-9A-Z]{5})</.exec(res.body)?.[1];
    expect(code).toBeTruthy();
    return code as string;
  }

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.http.ready();
    org = await signedIn(ORG, 'son-la');
    other = await signedIn(OTHER_ORG, 'tay-ninh');
  });
  afterAll(() => t?.close());

  it('makes a code for an officer of a commune of the organiser’s province, shown once, that /join redeems', async () => {
    const code = await make(org, { area: 'son-la.to-hieu', unit: 'ubnd_xa' });
    const joined = await t.send('telegram:6101', `/join ${code}`);
    expect(textOf(joined)).toContain('Đã nhận vai trò cán bộ của Phường Tô Hiệu, Tỉnh Sơn La');
    expect(await t.app.roles.grantOf('telegram:6101', 'officer')).toMatchObject({ area: 'son-la.to-hieu', unit: 'ubnd_xa' });
    // Used: no longer listed, and the code appears nowhere but on the page that made it.
    const list = await org.get('/admin/invites');
    expect(list.body).not.toContain('data-invite=');
    expect(list.body).not.toContain(code);
  });

  it('lists open codes only to organisers of their area, and revokes them through the form only', async () => {
    const code = await make(org, { area: 'son-la', role: 'organiser' });
    const list = await org.get('/admin/invites');
    const id = /data-invite="([0-9a-f]{24})"/.exec(list.body)?.[1] ?? '';
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(list.body).toContain('Người tổ chức</td><td>Tỉnh Sơn La</td>');
    expect(list.body).not.toContain(code);

    expect((await other.get('/admin/invites')).body).not.toContain(id);
    expect((await other.post(`/admin/invites/${id}/revoke`, {}, '/admin/invites')).status).toBe(404);
    expect((await org.post(`/admin/invites/${id}/revoke`)).status).toBe(403);
    expect((await t.app.invites.open()).map((i) => i.id)).toContain(id);

    expect((await org.post(`/admin/invites/${id}/revoke`, {}, '/admin/invites')).status).toBe(303);
    expect((await t.app.invites.open()).map((i) => i.id)).not.toContain(id);
    expect(textOf(await t.send('telegram:6102', `/join ${code}`))).toContain('không đúng');
    expect(await t.app.roles.grants('telegram:6102')).toEqual([]);
    const entries = await new AuditLog(t.app.redis, consoleKeys(t.app.prefix).audit).latest(20);
    expect(entries.map((e) => `${e.action} ${e.target} ${e.area}`)).toEqual(expect.arrayContaining(['invite.create organiser son-la', 'invite.revoke organiser son-la']));
    expect(JSON.stringify(entries)).not.toContain(code);
  });

  it('makes nothing for another area, a unit of another level, or without the token', async () => {
    const before = (await t.app.invites.open()).length;
    expect((await other.post('/admin/invites', { role: 'officer', area: 'son-la.to-hieu', unit: 'any', days: '7' }, '/admin/invites')).status).toBe(404);
    expect((await org.post('/admin/invites', { role: 'officer', area: 'son-la.to-hieu', unit: 'so_nganh', days: '7' }, '/admin/invites')).status).toBe(400);
    expect((await org.post('/admin/invites', { role: 'officer', area: 'son-la.to-hieu', unit: 'any', days: '90' }, '/admin/invites')).status).toBe(400);
    expect((await org.post('/admin/invites', { role: 'officer', area: 'son-la.to-hieu', unit: 'any', days: '7' })).status).toBe(403);
    expect((await other.get('/admin/invites?area=son-la')).status).toBe(404);
    // An officer of the province, not an organiser: no invite page at all.
    await t.send('telegram:6003', '/start');
    await t.app.roles.grant('telegram:6003', { role: 'officer', area: 'son-la', unit: 'so_gddt', grantedAt: Date.now() });
    const officer = await signedInBrowser(t.app, 'telegram:6003');
    expect((await officer.get('/admin/invites')).status).toBe(403);
    expect((await officer.post('/admin/invites', { role: 'organiser', area: 'son-la', unit: 'any', days: '7' }, '/admin')).status).toBe(403);
    expect((await officer.get('/admin/broadcasts')).status).toBe(403);
    expect((await t.app.invites.open()).length).toBe(before);
  });
});
