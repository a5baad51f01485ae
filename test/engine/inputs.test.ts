import { describe, expect, it } from 'vitest';
import { dateInput } from '../../src/engine/inputs.js';

/** The date input kind as people type dates; "now" is the turn's clock. */
describe('date input', () => {
  // 10:00 on 20 May 2026 in Viet Nam.
  const now = new Date('2026-05-20T03:00:00Z');
  const parse = (text: string, opts: { min?: string; max?: string } = {}, at = now) => dateInput.parse({ text }, opts, { now: at });

  it('reads dd/mm/yyyy, dd/mm/yy (20yy) and dd/mm (this year), with /, - or . and one-digit parts', () => {
    expect(parse('15/03/2026')).toEqual({ ok: true, value: '2026-03-15' });
    expect(parse('5-3-2026')).toEqual({ ok: true, value: '2026-03-05' });
    expect(parse('20/11/26')).toEqual({ ok: true, value: '2026-11-20' });
    expect(parse('1.2.25')).toEqual({ ok: true, value: '2025-02-01' });
    expect(parse('20/11')).toEqual({ ok: true, value: '2026-11-20' });
    expect(parse(' 3/1 ')).toEqual({ ok: true, value: '2026-01-03' });
    expect(parse('ngày 3/1')).toEqual({ ok: true, value: '2026-01-03' });
  });

  it('reads "hôm nay", "hôm qua" and "hôm kia", with or without diacritics, in Viet Nam time', () => {
    expect(parse('hôm nay')).toEqual({ ok: true, value: '2026-05-20' });
    expect(parse('Hôm qua')).toEqual({ ok: true, value: '2026-05-19' });
    expect(parse('hom qua')).toEqual({ ok: true, value: '2026-05-19' });
    expect(parse('HOM QUA.')).toEqual({ ok: true, value: '2026-05-19' });
    expect(parse('hôm kia')).toEqual({ ok: true, value: '2026-05-18' });
    expect(parse('yesterday')).toEqual({ ok: true, value: '2026-05-19' });
    // 01:00 on 1 January 2027 in Viet Nam is still 31 December in UTC.
    const newYear = new Date('2026-12-31T18:00:00Z');
    expect(parse('hôm nay', {}, newYear)).toEqual({ ok: true, value: '2027-01-01' });
    expect(parse('hôm qua', {}, newYear)).toEqual({ ok: true, value: '2026-12-31' });
    expect(parse('20/11', {}, newYear)).toEqual({ ok: true, value: '2027-11-20' });
  });

  it('keeps the range checks and messages for every form', () => {
    expect(parse('21/5', { max: 'today' })).toEqual({ ok: false, error: 'common.invalid.date_after', params: { max: '20/05/2026' } });
    expect(parse('21/05/26', { max: 'today' })).toMatchObject({ ok: false, error: 'common.invalid.date_after' });
    expect(parse('hôm qua', { min: 'today' })).toEqual({ ok: false, error: 'common.invalid.date_before', params: { min: '20/05/2026' } });
    expect(parse('hôm nay', { max: 'today' })).toEqual({ ok: true, value: '2026-05-20' });
    expect(parse('31/12/25', { min: '2026-01-01' })).toMatchObject({ ok: false, error: 'common.invalid.date_before' });
  });

  it('refuses what is no date, or not on the calendar', () => {
    for (const text of ['', 'tuần trước', 'hôm', '20', '20/11/2026/1', '20/11/202', '2026-11-20', '20 11'])
      expect(parse(text), text).toMatchObject({ ok: false, error: 'common.invalid.date' });
    for (const text of ['30/2', '31/4/26', '29/02/2026', '0/5', '12/13'])
      expect(parse(text), text).toMatchObject({ ok: false, error: 'common.invalid.date_unreal' });
    expect(parse('29/2/28')).toEqual({ ok: true, value: '2028-02-29' });
  });
});
