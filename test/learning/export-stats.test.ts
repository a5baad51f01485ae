import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main as adminCli } from '../../src/admin/cli.js';
import type { AdminIO } from '../../src/admin/commands.js';
import { dataPaths } from '../../src/core/paths.js';
import type { LearningContext } from '../../src/learning/context.js';
import { Criteria } from '../../src/learning/criteria.js';
import { toCsv } from '../../src/learning/export.js';
import { decide } from '../../src/learning/review.js';
import { LearningStore } from '../../src/learning/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { FakeClock } from '../support/clock.js';

/** The shipped data with the given populations (the shipped communes have none; small figures keep shares readable). */
function dataWithPopulation(populations: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'xhht-data-'));
  cpSync(dataPaths.data, dir, { recursive: true });
  type Node = { id: string; population?: number; populationYear?: number };
  const file = parse(readFileSync(join(dir, 'areas.yaml'), 'utf8')) as { areas: (Node & { children?: Node[] })[] };
  for (const p of file.areas)
    for (const a of [p, ...(p.children ?? [])]) if (populations[a.id]) Object.assign(a, { population: populations[a.id], populationYear: 2025 });
  writeFileSync(join(dir, 'areas.yaml'), stringify(file));
  return dir;
}

describe('learning citizen: CSV export and statistics', () => {
  let t: TestApp;
  let ctx: LearningContext;
  let dataDir: string;
  const clock = new FakeClock('2026-11-20T03:00:00Z');

  async function seed(user: string, area: string, name: string, outcome?: 'submitted' | 'approved' | 'returned', reason?: string, year = 2026) {
    const { store } = ctx;
    await store.saveProfile(user, { name, birthYear: 1980, area, group: 'worker', phone: '0912000111' });
    await store.createFile(user, year, area, 'worker');
    await store.putActivity(user, year, { id: store.newActivityId(), date: `${year}-03-01`, kind: 'course', title: 'Lớp học', hours: 2.5, indicators: [1], createdAt: 1, updatedAt: 1 });
    if (!outcome) return;
    const scores = Object.fromEntries(ctx.criteria.indicators.map((n) => [String(n), 9]));
    await store.updateFile(user, year, (f) => ({ ...f, scores, status: 'submitted', submittedAt: clock.now().getTime(), submissions: 1 }));
    const id = (await store.file(user, year))?.id as string;
    if (outcome !== 'submitted') expect(await decide(ctx, 'telegram:7000', id, outcome, reason)).toMatchObject({ ok: true });
  }

  function capture(): AdminIO & { out_: string[]; err_: string[] } {
    const out_: string[] = [];
    const err_: string[] = [];
    return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
  }

  beforeAll(async () => {
    dataDir = dataWithPopulation({ 'son-la': 2000, 'son-la.to-hieu': 4 });
    t = await createTestApp({ clock, dirs: { data: dataDir }, env: { ADMIN_IDS: 'telegram:7000' } });
    ctx = { app: t.app, store: new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas), criteria: Criteria.load(join(dataDir, 'criteria.yaml'), t.app.areas) };
    await seed('web:a', 'son-la.to-hieu', 'Nguyễn Văn A', 'approved');
    await seed('web:b', 'son-la.to-hieu', 'Trần Thị B', 'approved');
    await seed('web:c', 'son-la.chieng-an', 'Lê Văn C', 'returned', 'Thiếu "ảnh", cần bổ sung;\n=HYPERLINK("http://x")');
    await seed('web:d', 'son-la.chieng-an', 'Đỗ Thị D', 'submitted');
    await seed('web:e', 'son-la.moc-chau', '=cmd|calc', undefined);
    await seed('web:f', 'tay-ninh.long-hoa', 'Phan Văn F', 'approved');
    await seed('web:g', 'son-la.to-hieu', 'Năm Trước', 'approved', undefined, 2025);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes RFC 4180 CSV with a BOM, quoting and no formulas, for an area and the areas inside it, for one year', async () => {
    const io = capture();
    expect(await t.app.admin.find(['export', 'learning', '--area', 'son-la', '--year', '2026'])?.cmd.run(['--area', 'son-la', '--year', '2026'], io)).toBe(0);
    const csv = `${io.out_.join('\n')}\n`;
    expect(csv.startsWith('\uFEFFMã hồ sơ,Năm,Mã địa bàn,Địa bàn,Họ tên,Năm sinh,Nhóm,Điện thoại,Trạng thái,Tổng điểm,Đạt ngưỡng,Chỉ số 1,')).toBe(true);
    const records = csv.slice(1).split('\r\n');
    expect(records).toHaveLength(6); // header, five files; the last line ends with the newline
    expect(csv).toContain(',son-la.to-hieu,"Phường Tô Hiệu, Tỉnh Sơn La",Nguyễn Văn A,1980,Người lao động,0912000111,Đã công nhận,90,Có,9,9,');
    expect(csv).toContain(',1,2.5,2026-11-20 10:00,2026-11-20 10:00,Hội Khuyến học xã/phường,');
    expect(csv).toContain(',"Thiếu ""ảnh"", cần bổ sung;\n=HYPERLINK(""http://x"")"\r\n');
    expect(csv).toContain(",'=cmd|calc,");
    expect(csv).not.toContain('Phan Văn F');
    expect(csv).not.toContain('Năm Trước');
    // The status column holds plain words to filter on, not the chat's line with its emoji.
    expect(csv).not.toContain('🎉');

    const out = join(dataDir, 'commune.csv');
    const toFile = capture();
    expect(await t.app.admin.find(['export', 'learning'])?.cmd.run(['--area', 'son-la.to-hieu', '--year', '2026', '--out', out, '--lang', 'en'], toFile)).toBe(0);
    const written = readFileSync(out, 'utf8');
    expect(written.startsWith('\uFEFFFile,Year,Area id')).toBe(true);
    expect(written.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(toFile.err_.join()).toContain('Wrote 2 files');
  });

  it('refuses a bad area, year or language with a clear message and exit code 2', async () => {
    const cmd = t.app.admin.find(['export', 'learning'])?.cmd;
    for (const [args, message] of [
      [['--area', 'atlantis', '--year', '2026'], '--area must be an area id'],
      [['--year', '2026'], '--area must be an area id'],
      [['--area', 'son-la', '--year', '26'], '--year must be a year'],
      [['--area', 'son-la', '--year', '2026', '--lang', 'fr'], '--lang must be vi or en'],
    ] as const) {
      const io = capture();
      expect(await cmd?.run([...args], io)).toBe(2);
      expect(io.err_.join()).toContain(message);
      expect(io.out_).toEqual([]);
    }
    const io = capture();
    expect(await t.app.admin.find(['stats', 'learning'])?.cmd.run(['--year', 'soon'], io)).toBe(2);
    expect(io.err_.join()).toContain('--year must be a year');
  });

  it('prints registered, submitted and recognised per area, with the share of the population against the target', async () => {
    const io = capture();
    expect(await t.app.admin.find(['stats', 'learning'])?.cmd.run(['--year', '2026'], io)).toBe(0);
    const text = io.out_.join('\n');
    expect(text).toContain('Targets: 40.0% by 2025, 60.0% by 2030; this year counts toward 60.0% by 2030.');
    const row = (id: string) => io.out_.find((l) => l.trimStart().startsWith(`${id} (`))?.trim().split(/\s{2,}/);
    expect(row('son-la')?.slice(1, 6)).toEqual(['5', '4', '2', '2000', '0.10% (below 60.0% by 2030)']);
    expect(row('son-la.to-hieu')?.slice(1, 6)).toEqual(['2', '2', '2', '4', '50.0% (below 60.0% by 2030)']);
    expect(row('son-la.chieng-an')?.slice(1, 6)).toEqual(['2', '2', '0', '-', '-']);
    expect(row('son-la.moc-chau')?.slice(1, 4)).toEqual(['1', '0', '0']);
    expect(row('tay-ninh')?.slice(1, 4)).toEqual(['1', '1', '1']);
    expect(row('son-la.van-son')).toBeUndefined();

    const last = capture();
    await t.app.admin.find(['stats', 'learning'])?.cmd.run(['--year', '2025'], last);
    expect(last.out_.join('\n')).toContain('this year counts toward 40.0% by 2025');
    expect(last.out_.find((l) => l.trimStart().startsWith('son-la.to-hieu ('))).toContain('25.0% (below 40.0% by 2025)');
  });

  it('quotes cells the way spreadsheets read them', () => {
    expect(toCsv([['a', 'b,c', 'd"e', 'f\ng', '@x', '+1', '-2', 3, -4]])).toBe('\uFEFFa,"b,c","d""e","f\ng",\'@x,\'+1,\'-2,3,-4\r\n');
  });

  it('runs from the operators command line on the bot Redis', async () => {
    const env = { ...process.env, ...inject('redisEnv'), REDIS_PREFIX: t.prefix, LOG_LEVEL: 'silent' };
    const csv = await runCli(adminCli, ['export', 'learning', '--area', 'tay-ninh', '--year', '2026'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    expect(csv.stdout).toContain('Phan Văn F');
    const stats = await runCli(adminCli, ['stats', 'learning', '--year', '2026'], env);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain('tay-ninh.long-hoa (Phường Long Hoa, Tỉnh Tây Ninh)');
  });
});
