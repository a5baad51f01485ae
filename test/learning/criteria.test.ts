import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Areas } from '../../src/areas/areas.js';
import { dataPaths } from '../../src/core/paths.js';
import { createI18n, LANGUAGES } from '../../src/i18n/index.js';
import { Criteria, progressBar } from '../../src/learning/criteria.js';
import { evidenceInput, indicatorsInput, scoresInput } from '../../src/learning/inputs.js';

const areas = Areas.load();
const criteria = Criteria.load(join(dataPaths.data, 'criteria.yaml'), areas);
const ctx = { now: new Date('2026-06-01T00:00:00Z') };

function withFile(change: (file: Record<string, unknown>) => void): string {
  const file = parse(readFileSync(join(dataPaths.data, 'criteria.yaml'), 'utf8')) as Record<string, unknown>;
  change(file);
  const path = join(mkdtempSync(join(tmpdir(), 'xhht-criteria-')), 'criteria.yaml');
  writeFileSync(path, stringify(file));
  return path;
}

describe('learning-citizen criteria (data/criteria.yaml)', () => {
  it('holds the four groups, three competencies and ten indicators of QĐ 324/QĐ-KHVN, each with a label in every language', () => {
    expect(criteria.file.groups).toHaveLength(4);
    expect(criteria.file.competencies.map((c) => c.indicators.length)).toEqual([4, 4, 2]);
    expect(criteria.indicators).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(criteria.maxTotal).toBe(100);
    const i18n = createI18n();
    for (const key of criteria.labelKeys()) for (const lng of LANGUAGES) expect(i18n.exists(key, lng), `${key} in ${lng}`).toBe(true);
  });

  it('passes at 80 or more with no indicator under 5, counting unscored indicators as 0', () => {
    const all = (s: number) => Object.fromEntries(criteria.indicators.map((n) => [String(n), s]));
    expect(criteria.progress(all(8))).toMatchObject({ total: 80, passes: true, low: [], missingPoints: 0 });
    expect(criteria.progress({ ...all(9), '4': 4 })).toMatchObject({ total: 85, passes: false, low: [4] });
    expect(criteria.progress({ ...all(10), '7': 5 })).toMatchObject({ total: 95, passes: true });
    expect(criteria.progress({ ...all(8), '10': 7 })).toMatchObject({ total: 79, passes: false, missingPoints: 1 });
    const partial = criteria.progress({ '1': 10, '2': 10 });
    expect(partial).toMatchObject({ total: 20, unscored: [3, 4, 5, 6, 7, 8, 9, 10], passes: false, missingPoints: 60 });
    expect(partial.low).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('draws a ten-cell bar that is full only at the maximum', () => {
    expect(progressBar(62, 100)).toBe('▓▓▓▓▓▓░░░░ 62/100');
    expect(progressBar(0, 100)).toBe('░░░░░░░░░░ 0/100');
    expect(progressBar(99, 100)).toBe('▓▓▓▓▓▓▓▓▓░ 99/100');
    expect(progressBar(100, 100)).toBe('▓▓▓▓▓▓▓▓▓▓ 100/100');
  });

  it('names the reviewing unit per area from the data, the nearest configured area winning', () => {
    expect(criteria.reviewerUnit('son-la.to-hieu', areas)).toBe('hoi_khuyen_hoc_xa');
    const configured = Criteria.load(withFile((f) => (f.recognition = { default_unit: 'hoi_khuyen_hoc_xa', by_area: { 'son-la': 'ubnd_xa', 'son-la.moc-chau': 'employer' } })), areas);
    expect(configured.reviewerUnit('son-la.to-hieu', areas)).toBe('ubnd_xa');
    expect(configured.reviewerUnit('son-la.moc-chau', areas)).toBe('employer');
    expect(configured.reviewerUnit('tay-ninh.long-hoa', areas)).toBe('hoi_khuyen_hoc_xa');
    expect(() => Criteria.load(withFile((f) => (f.recognition = { default_unit: 'x', by_area: { atlantis: 'y' } })), areas)).toThrow(/unknown area "atlantis"/);
  });

  it('picks the target a year counts toward', () => {
    expect(criteria.targetFor(2024)).toEqual({ year: 2025, share: 0.4 });
    expect(criteria.targetFor(2025)).toEqual({ year: 2025, share: 0.4 });
    expect(criteria.targetFor(2026)).toEqual({ year: 2030, share: 0.6 });
    expect(criteria.targetFor(2031)).toEqual({ year: 2030, share: 0.6 });
  });

  it('refuses a criteria file with indicators missing or counted twice, naming the field', () => {
    expect(() => Criteria.load(withFile((f) => ((f.competencies as { indicators: number[] }[])[2]!.indicators = [9, 9])), areas)).toThrow(/competencies: indicators must be numbered 1..n/);
    expect(() => Criteria.load(withFile((f) => ((f.pass as Record<string, unknown>).min_total = 'eighty')), areas)).toThrow(/pass\.min_total/);
  });
});

describe('learning input kinds', () => {
  it('evidence: a file by its platform id, a link alone or described, or a short note in words', () => {
    expect(evidenceInput.parse({ text: '', attachment: { kind: 'document', fileId: 'BQACAgI', mime: 'application/pdf', name: 'cn.pdf' } }, {}, ctx)).toEqual({
      ok: true,
      value: { type: 'file', kind: 'document', fileId: 'BQACAgI', mime: 'application/pdf', name: 'cn.pdf' },
    });
    expect(evidenceInput.parse({ text: 'http://hoc.vn/a?b=1' }, {}, ctx)).toEqual({ ok: true, value: { type: 'link', url: 'http://hoc.vn/a?b=1' } });
    expect(evidenceInput.parse({ text: 'Giấy khen số 3' }, {}, ctx)).toEqual({ ok: true, value: { type: 'note', text: 'Giấy khen số 3' } });
    // A link with a few words on what it shows, after or before it.
    expect(evidenceInput.parse({ text: 'https://trungtam.vn/cn/12 Giấy chứng nhận lớp tin học' }, {}, ctx)).toEqual({
      ok: true,
      value: { type: 'link', url: 'https://trungtam.vn/cn/12', text: 'Giấy chứng nhận lớp tin học' },
    });
    expect(evidenceInput.parse({ text: 'Bài thu hoạch: www.thuvien.vn/bai/3' }, {}, ctx)).toEqual({ ok: true, value: { type: 'link', url: 'https://www.thuvien.vn/bai/3', text: 'Bài thu hoạch' } });
    expect(evidenceInput.parse({ text: 'https://x.vn/a !!' }, {}, ctx)).toEqual({ ok: true, value: { type: 'link', url: 'https://x.vn/a' } });
    expect(evidenceInput.parse({ text: 'http:// Giấy chứng nhận' }, {}, ctx)).toMatchObject({ ok: false, error: 'learning.bad_link' });
    expect(evidenceInput.parse({ text: 'javascript:alert(1) Giấy chứng nhận' }, {}, ctx)).toMatchObject({ ok: true, value: { type: 'note' } });
    expect(evidenceInput.parse({ text: 'javascript:alert(1)' }, {}, ctx)).toMatchObject({ ok: true, value: { type: 'note' } });
    expect(evidenceInput.parse({ text: 'ftp://x.vn/f' }, {}, ctx)).toMatchObject({ ok: true, value: { type: 'note' } });
    expect(evidenceInput.parse({ text: `https://x.vn/${'a'.repeat(600)}` }, {}, ctx)).toMatchObject({ ok: false, error: 'learning.bad_link_long' });
    expect(evidenceInput.parse({ text: 'ok' }, {}, ctx)).toMatchObject({ ok: false, error: 'learning.bad_evidence' });
    expect(evidenceInput.parse({ text: 'x'.repeat(301) }, {}, ctx)).toMatchObject({ ok: false, error: 'common.invalid.text_long' });
  });

  it('indicators: numbers, lists and ranges within 1..10', () => {
    const kind = indicatorsInput(criteria);
    expect(kind.parse({ text: '5 1 3 3' }, {}, ctx)).toEqual({ ok: true, value: [1, 3, 5] });
    expect(kind.parse({ text: '1,2; 9 và 10' }, {}, ctx)).toEqual({ ok: true, value: [1, 2, 9, 10] });
    expect(kind.parse({ text: '2-4' }, {}, ctx)).toEqual({ ok: true, value: [2, 3, 4] });
    for (const bad of ['0', '11', '4-2', 'một', '1.5', ''])
      expect(kind.parse({ text: bad }, {}, ctx), bad).toMatchObject({ ok: false, error: 'learning.bad_indicators', params: { max: 10 } });
  });

  it('scores: exactly ten whole numbers from 0 to 10', () => {
    const kind = scoresInput(criteria);
    expect(kind.parse({ text: '8 9 8 7 9 8 8 9 9 10' }, {}, ctx)).toEqual({ ok: true, value: [8, 9, 8, 7, 9, 8, 8, 9, 9, 10] });
    expect(kind.parse({ text: '8,9,8,7,9,8,8,9,9,0' }, {}, ctx)).toMatchObject({ ok: true });
    expect(kind.parse({ text: '8 9' }, {}, ctx)).toMatchObject({ ok: false, error: 'learning.bad_scores_count', params: { given: 2 } });
    expect(kind.parse({ text: '8 9 8 7 9 8 8 9 9 11' }, {}, ctx)).toMatchObject({ ok: false, error: 'learning.bad_score' });
    expect(kind.parse({ text: '8 9 8 7 9 8 8 9 9 -1' }, {}, ctx)).toMatchObject({ ok: false, error: 'learning.bad_score_pick' });
    expect(kind.parse({ text: 'tám' }, {}, ctx)).toMatchObject({ ok: false, error: 'learning.bad_score_pick' });
  });
});
