import type { Areas } from '../areas/areas.js';
import { formatVnDate } from '../core/clock.js';
import type { ChannelName } from '../core/message.js';
import type { Translate } from '../i18n/index.js';
import { progressBar, type Criteria } from './criteria.js';
import type { Activity, Evidence, LearningFile, Profile } from './records.js';

/** The short texts that several screens share (lists, the file an officer reads, /mydata). */

/**
 * Channels that show choices as a numbered list themselves ("1. …", src/channels/zalo/render.ts): a
 * label there must not carry its own number as well.
 */
const NUMBERS_CHOICES: ReadonlySet<ChannelName> = new Set(['zalo']);

/**
 * The label of a choice people also know by a number (indicator 3): "3. Ngoại ngữ" on buttons, plain
 * "Ngoại ngữ" where the channel numbers the list, which is the same number when such choices come
 * first and in order.
 */
export function numberedLabel(channel: ChannelName, n: number, label: string): string {
  return NUMBERS_CHOICES.has(channel) ? label : `${n}. ${label}`;
}

/** "1,5" in Vietnamese, "1.5" in English. */
export function formatNumber(t: Translate, n: number): string {
  return String(n).replace('.', t('learning.decimal_point'));
}

export function areaName(areas: Areas, id: string): string {
  return areas.get(id)?.fullName ?? id;
}

export function evidenceText(t: Translate, e: Evidence | undefined): string {
  if (!e) return t('learning.evidence_none');
  switch (e.type) {
    case 'file':
      return t('learning.evidence_file', { kind: t(`learning.file_kind.${e.kind}`), name: e.name ?? e.caption ?? '', channel: e.channel }).trim();
    case 'link':
      return e.text ? t('learning.evidence_link_text', { url: e.url, text: e.text }) : t('learning.evidence_link', { url: e.url });
    case 'note':
      return t('learning.evidence_note', { text: e.text });
  }
}

/** "15/03/2026 · Lớp tin học · 4 giờ · chỉ số 5, 8 · 🔗 https://…" */
export function activityLine(t: Translate, a: Activity): string {
  return t('learning.activity_line', {
    date: formatVnDate(a.date),
    title: a.title,
    kind: t(`learning.kind.${a.kind}`),
    hours: formatNumber(t, a.hours),
    indicators: a.indicators.join(', '),
    evidence: evidenceText(t, a.evidence),
  });
}

export function totalHours(activities: readonly Activity[]): number {
  return Math.round(activities.reduce((sum, a) => sum + a.hours, 0) * 10) / 10;
}

export function profileText(t: Translate, areas: Areas, p: Profile): string {
  return t('learning.profile_text', {
    name: p.name,
    birthYear: p.birthYear,
    area: areaName(areas, p.area),
    group: t(`learning.group.${p.group}`),
    phone: p.phone ?? t('learning.no_phone'),
  });
}

export function statusText(t: Translate, file: Pick<LearningFile, 'status'>): string {
  return t(`learning.status.${file.status}`);
}

export function scoreBar(criteria: Criteria, file: Pick<LearningFile, 'scores'>): string {
  const p = criteria.progress(file.scores);
  return progressBar(p.total, p.max);
}

/** One line per indicator: "1. Tìm đọc, cập nhật thông tin: 8". */
export function scoreLines(t: Translate, criteria: Criteria, file: Pick<LearningFile, 'scores'>): string[] {
  return criteria.indicators.map((n) =>
    t('learning.score_line', { n, name: t(`learning.indicator_short.${n}`), score: file.scores[String(n)] ?? '–' }),
  );
}
