import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as adminCli } from '../../src/admin/cli.js';
import { capabilities } from '../../src/app/capabilities.js';
import { dataPaths } from '../../src/core/paths.js';
import { createReminders } from '../../src/reminders/capability.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';

async function preview(t: TestApp, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const found = t.app.admin.find(['reminders', 'preview', ...args]);
  if (!found) throw new Error('reminders preview is not registered');
  const code = await found.cmd.run(found.args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, lines: out.map((l) => JSON.parse(l) as Record<string, unknown>), err };
}

describe('npm run admin -- reminders preview', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('prints, from the data alone, each reminder a unit kind would get: leads before and overdue days after', async () => {
    const { code, lines } = await preview(t, ['--from', '2026-11-20', '--to', '2026-12-31', '--unit', 'so_nganh', '--area', 'son-la']);
    expect(code).toBe(0);
    const days = (due: string, offsets: number[]) => offsets.map((o) => new Date(Date.parse(due) + o * 86_400_000).toISOString().slice(0, 10));
    expect(lines).toEqual(
      // "Trước ngày 10 tháng 12": the last day to send is 9 December.
      days('2026-12-09', [-14, -7, -3, -1, 0, 1, 2, 3]).map((day, i) => ({
        at: `${day}T08:00:00+07:00`,
        deadline: '2026-12-09',
        obligation: 'sl_2547_bao_cao_nam',
        unit: 'so_nganh',
        lead: [14, 7, 3, 1, 0, -1, -2, -3][i],
      })),
    );
  });

  it('covers every unit kind and province without filters, in time order', async () => {
    const { lines } = await preview(t, ['--from', '2026-10-01', '--to', '2026-10-31']);
    expect(new Set(lines.map((l) => `${l.obligation}/${l.unit}`))).toEqual(new Set(['tn_2042_so_ket_nam/so_nganh', 'tn_2042_so_ket_nam/ubnd_xa']));
    expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at as string)].sort());
    // A commune of Sơn La owes nothing in October; one of Tây Ninh owes the yearly review.
    expect((await preview(t, ['--from', '2026-10-01', '--to', '2026-10-31', '--area', 'son-la.to-hieu'])).lines).toEqual([]);
    expect((await preview(t, ['--from', '2026-10-14', '--to', '2026-10-14', '--area', 'tay-ninh.tan-ninh'])).lines).toEqual([
      { at: '2026-10-14T08:00:00+07:00', deadline: '2026-10-14', obligation: 'tn_2042_so_ket_nam', unit: 'ubnd_xa', lead: 0 },
    ]);
  });

  it('sends at REMINDERS_SEND_AT', async () => {
    const other = await createTestApp({ env: { REMINDERS_SEND_AT: '07:30' } });
    try {
      const { lines } = await preview(other, ['--from', '2026-06-10', '--to', '2026-06-10']);
      expect(lines[0]?.at).toBe('2026-06-10T07:30:00+07:00');
    } finally {
      await other.close();
    }
  });

  it('refuses bad arguments with a line saying what is expected, and prints nothing', async () => {
    for (const [args, message] of [
      [['--from', '2026-13-01', '--to', '2026-12-31'], /--from and --to must be dates/],
      [['--from', '2026-12-31', '--to', '2026-01-01'], /--to is before --from/],
      [['--from', '2026-01-01', '--to', '2026-12-31', '--unit', 'ubnd_huyen'], /--unit must be a unit kind/],
      [['--from', '2026-01-01', '--to', '2026-12-31', '--area', 'atlantis'], /--area must be an area id/],
      [['--from', '2020-01-01', '--to', '2030-12-31'], /at most/],
      [['--from', '2026-01-01', '--to', '2026-12-31', '--verbose'], /Unknown option/],
    ] as const) {
      const { code, lines, err } = await preview(t, [...args]);
      expect(code).toBe(2);
      expect(lines).toEqual([]);
      expect(err.join('\n')).toMatch(message);
    }
  });

  it('runs from the command line without Redis', async () => {
    // No Redis configured and none installed (an empty PATH).
    const env = { ...process.env, REDIS_URL: '', LOG_LEVEL: 'silent', PATH: mkdtempSync(join(tmpdir(), 'xhht-nopath-')) };
    const run = await runCli(adminCli, ['reminders', 'preview', '--from', '2026-06-09', '--to', '2026-06-10', '--area', 'son-la'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { at: '2026-06-09T08:00:00+07:00', deadline: '2026-06-10', obligation: 'sl_2547_bao_cao_6_thang', unit: 'ubnd_xa', lead: 1 },
      { at: '2026-06-10T08:00:00+07:00', deadline: '2026-06-10', obligation: 'sl_2547_bao_cao_6_thang', unit: 'ubnd_xa', lead: 0 },
    ]);
    // Other commands still need the bot's Redis.
    const invite = await runCli(adminCli, ['invite', '--role', 'officer', '--area', 'son-la'], env);
    expect(invite.code).toBe(2);
    expect(invite.stderr).toContain('No Redis to work on');
  });
});

describe('start-up with a broken deadlines file', () => {
  it('stops with the file, the line and the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xhht-plans-'));
    copyFileSync(join(dataPaths.plans, 'events.yaml'), join(dir, 'events.yaml'));
    const text = readFileSync(join(dataPaths.plans, 'deadlines.yaml'), 'utf8').replace('units: [so_nganh]\n', 'units: [so_ngnah]\n');
    writeFileSync(join(dir, 'deadlines.yaml'), text);
    const line = text.split('\n').findIndex((l) => l.includes('so_ngnah')) + 1;
    const others = capabilities.filter((c) => c.name !== 'reminders');
    await expect(createTestApp({ capabilities: [...others, createReminders({ plansDir: dir })] })).rejects.toThrow(
      new RegExp(`deadlines\\.yaml: ${line}: obligations\\.\\d+\\.units\\.0: unknown unit kind "so_ngnah"`),
    );
  });
});
