import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Areas } from '../../src/areas/areas.js';
import { dataPaths } from '../../src/core/paths.js';
import { DeadlineCalendar } from '../../src/reminders/calendar.js';
import { EventCalendar, EVERYWHERE } from '../../src/reminders/events.js';
import { dueDates, occurrenceId, parseOccurrenceId } from '../../src/reminders/schedule.js';
import { UnitKinds } from '../../src/reminders/units.js';
import { DataFileError } from '../../src/core/data-file.js';

const areas = Areas.load();
const units = UnitKinds.load(join(dataPaths.data, 'units.yaml'));
const real = DeadlineCalendar.load({ plansDir: dataPaths.plans, areas, units });

/** A plans folder holding the real documents and the given deadlines.yaml / events.yaml text. */
function plansWith(files: { deadlines?: string; events?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xhht-plans-'));
  for (const doc of ['000_64a8b29202494fd4.txt', '003_474c2da9f5b1b4bc.txt', '004_e79c9be65417934e.txt'])
    for (const f of [doc, doc + '.meta.yaml']) copyFileSync(join(dataPaths.plans, f), join(dir, f));
  writeFileSync(join(dir, 'deadlines.yaml'), files.deadlines ?? readFileSync(join(dataPaths.plans, 'deadlines.yaml'), 'utf8'));
  writeFileSync(join(dir, 'events.yaml'), files.events ?? readFileSync(join(dataPaths.plans, 'events.yaml'), 'utf8'));
  return dir;
}

function loadError(deadlines: string): string[] {
  try {
    DeadlineCalendar.load({ plansDir: plansWith({ deadlines }), areas, units });
  } catch (err) {
    if (err instanceof DataFileError) return err.problems;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

const ONE = `obligations:
  - id: bao_cao
    title: { vi: Báo cáo, en: Report }
    source: { document: 004_e79c9be65417934e.txt, section: III.6.2 }
    units: [so_nganh]
    area: son-la
    schedule: { yearly: "12-10" }
`;

describe('plans/deadlines.yaml', () => {
  it('holds the deadlines the plans set, citing document and section, for the right units and province', () => {
    const byId = (id: string) => real.get(id);
    const cases: [string, string, string, string[], string, string][] = [
      // id, document, section, units, province, first last day to send from 2026 ("trước ngày 15/12": 14/12)
      ['sl_162_bao_cao_nam', '000_64a8b29202494fd4.txt', 'III.1', ['dang_doan', 'dang_uy_xa'], 'son-la', '2026-12-14'],
      ['tn_2042_so_ket_nam', '003_474c2da9f5b1b4bc.txt', 'III.1', ['so_nganh', 'ubnd_xa'], 'tay-ninh', '2026-10-14'],
      ['sl_2547_bao_cao_nam', '004_e79c9be65417934e.txt', 'III.6.2', ['so_nganh'], 'son-la', '2026-12-09'],
      ['sl_2547_bao_cao_6_thang', '004_e79c9be65417934e.txt', 'V.14', ['ubnd_xa'], 'son-la', '2026-06-10'],
      ['sl_2547_tong_ket_2030', '004_e79c9be65417934e.txt', 'III.6.1', ['so_gddt'], 'son-la', '2030-12-31'],
    ];
    for (const [id, document, section, owed, area, first] of cases) {
      const o = byId(id);
      expect(o, id).toBeDefined();
      expect(o?.source).toEqual({ document, section });
      expect(o?.units).toEqual(owed);
      expect(o?.area).toBe(area);
      expect(o?.leads).toEqual([14, 7, 3, 1, 0]);
      expect(real.occurrences(o!, '2026-01-01', '2031-12-31')[0]?.due).toBe(first);
    }
    expect(real.occurrences(byId('sl_2547_so_ket_2025')!, '2020-01-01', '2040-12-31').map((x) => x.due)).toEqual(['2025-12-31']);
    // The plan runs to 2030: no six-monthly report after it.
    expect(real.occurrences(byId('sl_2547_bao_cao_6_thang')!, '2030-01-01', '2032-12-31').map((x) => x.due)).toEqual(['2030-06-10', '2030-12-10']);
    expect(real.source(byId('sl_2547_bao_cao_nam')!)).toEqual({ doc: '2547/QĐ-UBND', section: 'III.6.2' });
    expect(real.source(byId('sl_162_bao_cao_nam')!)).toEqual({ doc: '162-KH/TU', section: 'III.1' });
  });

  it('gives each unit only what it owes: the commune committee of Sơn La, not Tây Ninh; examples stay off', () => {
    expect(real.forUnit({ kind: 'ubnd_xa', area: 'son-la.to-hieu' }).map((o) => o.id)).toEqual(['sl_2547_bao_cao_6_thang']);
    expect(real.forUnit({ kind: 'ubnd_xa', area: 'tay-ninh.tan-ninh' }).map((o) => o.id)).toEqual(['tn_2042_so_ket_nam']);
    expect(real.forUnit({ kind: 'so_gddt', area: 'ha-noi' })).toEqual([]);
    expect(real.obligations.filter((o) => o.example).every((o) => !o.active)).toBe(true);
  });

  it('stops start-up with "file: line: problem" for a broken file', () => {
    expect(loadError(ONE.replace('"12-10"', '"12-32"'))).toEqual([
      'plans/deadlines.yaml: 7: obligations.0.schedule.yearly: a day that exists every year (not 02-29)',
    ]);
    expect(loadError(ONE.replace('units: [so_nganh]', 'units: [so_nganh, ubnd_huyen]'))).toEqual([
      'plans/deadlines.yaml: 5: obligations.0.units.1: unknown unit kind "ubnd_huyen" (see data/units.yaml)',
    ]);
    expect(loadError(ONE.replace('area: son-la', 'area: son-la.to-hieu'))).toEqual(['plans/deadlines.yaml: 6: obligations.0.area: "son-la.to-hieu" is not a province']);
    expect(loadError(ONE.replace('004_e79c9be65417934e.txt', '009_missing.txt'))).toEqual([
      'plans/deadlines.yaml: 4: obligations.0.source.document: no plan document "009_missing.txt" in plans/',
    ]);
    expect(loadError(ONE + '    leads: [14, -3]\n')).toEqual(['plans/deadlines.yaml: 8: obligations.0.leads.1: Too small: expected number to be >=0']);
    expect(loadError(ONE + '    remind: always\n')).toEqual(['plans/deadlines.yaml: 8: obligations.0: Unrecognized key: "remind"']);
    expect(loadError(ONE + ONE.replace('obligations:\n', ''))).toEqual(['plans/deadlines.yaml: 8: obligations.1.id: "bao_cao" appears twice']);
    expect(loadError(ONE.replace('title: { vi: Báo cáo, en: Report }', 'title: { vi: Báo cáo }'))).toEqual([
      'plans/deadlines.yaml: 3: obligations.0.title.en: Invalid input: expected string, received undefined',
    ]);
    expect(loadError('obligations:\n  - id: a\n  title: x\n')).toEqual(['plans/deadlines.yaml: 3: All mapping items must start at the same column']);
    expect(loadError(ONE.replace('{ yearly: "12-10" }', '{ every_months: 6, day: 10 }'))).toEqual([
      'plans/deadlines.yaml: 7: obligations.0.schedule: one of { yearly: MM-DD }, { every_months: N, day: D, from: YYYY-MM } or { once: YYYY-MM-DD }',
    ]);
  });

  it('keeps the real file loadable by the bot (it starts with it)', () => {
    expect(() => DeadlineCalendar.load({ plansDir: plansWith({}), areas, units })).not.toThrow();
  });
});

describe('schedules', () => {
  it('expands yearly, every-N-months (short months use their last day) and one-off dates', () => {
    expect(dueDates({ yearly: '10-15' }, '2026-10-15', '2028-10-14')).toEqual(['2026-10-15', '2027-10-15']);
    expect(dueDates({ every_months: 6, day: 31, from: '2022-06' }, '2026-01-01', '2027-12-31')).toEqual(['2026-06-30', '2026-12-31', '2027-06-30', '2027-12-31']);
    expect(dueDates({ every_months: 1, day: 30, from: '2028-01' }, '2028-02-01', '2028-03-31')).toEqual(['2028-02-29', '2028-03-30']);
    expect(dueDates({ every_months: 5, day: 1, from: '1990-03' }, '2026-01-01', '2026-12-31')).toEqual(['2026-01-01', '2026-06-01', '2026-11-01']);
    expect(dueDates({ once: '2030-12-31' }, '2026-01-01', '2030-12-30')).toEqual([]);
  });

  it('names occurrences in at most 49 characters and reads back only real ones', () => {
    const id = occurrenceId('sl_2547_bao_cao_6_thang', '2026-06-10');
    expect(id).toBe('sl_2547_bao_cao_6_thang@20260610');
    expect(parseOccurrenceId(id)).toEqual({ obligation: 'sl_2547_bao_cao_6_thang', due: '2026-06-10' });
    for (const bad of ['x@20260230', 'X@20260610', 'a@2026061', `${'a'.repeat(41)}@20260610`, 'a@20260610 extra']) expect(parseOccurrenceId(bad)).toBeUndefined();
  });
});

describe('plans/events.yaml', () => {
  const events = EventCalendar.load({ plansDir: dataPaths.plans, areas });
  const week = events.settable()!;

  it('has Lifelong Learning Week on 1-7 October by default and the Book Day on 21 April', () => {
    expect(events.datesFor(week, 2027, undefined, new Map())).toEqual({ start: '2027-10-01', end: '2027-10-07', origin: 'default' });
    expect(events.datesFor(week, 2025, undefined, new Map())).toMatchObject({ start: '2025-10-01', origin: 'plan', theme: expect.stringContaining('Học để phát triển bản thân') });
    expect(events.datesFor(events.get('book_day')!, 2027, undefined, new Map())).toEqual({ start: '2027-04-21', end: '2027-04-21', origin: 'default' });
  });

  it('lets a chat setting override the file, the nearest area first', () => {
    const at = 0;
    const settings = new Map([
      [EVERYWHERE, { start: '2027-10-02', end: '2027-10-08', theme: 'Cả nước', at }],
      ['son-la', { start: '2027-09-29', end: '2027-10-05', theme: 'Sơn La', at }],
    ]);
    expect(events.datesFor(week, 2027, 'son-la.to-hieu', settings)).toMatchObject({ start: '2027-09-29', theme: 'Sơn La', origin: 'chat' });
    expect(events.datesFor(week, 2027, 'tay-ninh.tan-ninh', settings)).toMatchObject({ start: '2027-10-02', theme: 'Cả nước' });
    expect(events.datesFor(week, 2027, undefined, settings)).toMatchObject({ start: '2027-10-02' });
  });

  it('refuses a broken events file with its line', () => {
    const broken = readFileSync(join(dataPaths.plans, 'events.yaml'), 'utf8').replace('dates: { start: "04-21" }', 'dates: { start: "04-31" }');
    const line = broken.split('\n').findIndex((l) => l.includes('"04-31"')) + 1;
    expect(() => EventCalendar.load({ plansDir: plansWith({ events: broken }), areas })).toThrow(`plans/events.yaml: ${line}: events.1.dates.start: a day that exists every year (not 02-29)`);
  });
});

describe('data/units.yaml', () => {
  it('maps the plans’ district duties to communes and names supervisors that exist', () => {
    expect(units.get('ubnd_xa')).toMatchObject({ level: 'commune', supervisor: 'so_gddt', replaces: expect.stringContaining('huyện') });
    for (const u of units.all) if (u.supervisor) expect(units.has(u.supervisor)).toBe(true);
  });
});
