import { describe, expect, it } from 'vitest';
import type { WeekSetting } from '../../src/reminders/events.js';
import { ask, i18n } from './asker.js';

/** Today is 7 December 2026 (asker.ts): this year's Lifelong Learning Week is over, the next is in 2027. */
describe('live facts', () => {
  it('answers this year\'s week with the next one, from the usual dates, and says the theme is not out yet', async () => {
    const a = await ask('Tuần lễ học tập suốt đời năm nay tổ chức khi nào?');
    expect(a.answered).toBe(true);
    expect(a.answer).toContain('năm 2027: 01/10/2027 – 07/10/2027');
    expect(a.answer).toContain(i18n.t('vi', 'qa.live.no_theme', { year: 2027 }));
    // Where the date comes from, and never the 2025 theme as if it were current.
    expect(a.answer).toContain('Nguồn: ngày thường lệ');
    expect(a.answer).not.toContain('Học để phát triển bản thân');
    expect(a.why?.via).toBe('events:default');
  });

  it('does not answer a theme it does not have, and answers a past year from the notes', async () => {
    const theme2026 = await ask('Chủ đề Tuần lễ hưởng ứng học tập suốt đời năm 2026 là gì?');
    expect(theme2026.answered).toBe(false);
    expect(theme2026.answer).toContain('(đã diễn ra)');
    const past = await ask('Chủ đề Tuần lễ hưởng ứng học tập suốt đời năm 2025 là gì?');
    expect(past.answered).toBe(true);
    expect(past.answer).toContain('Học để phát triển bản thân');
  });

  it('takes the dates and theme an organiser set in the chat, and says so', async () => {
    const set: WeekSetting = { start: '2027-09-28', end: '2027-10-04', theme: 'Học tập suốt đời cho mọi người', at: 0 };
    const settingsFor = async (id: string, year: number) => new Map(id === 'learning_week' && year === 2027 ? [['*', set]] : []);
    const a = await ask('tuan le hoc tap suot doi nam sau chu de la j', settingsFor);
    expect(a.answered).toBe(true);
    expect(a.answer).toContain('28/09/2027 – 04/10/2027');
    expect(a.answer).toContain('Học tập suốt đời cho mọi người');
    expect(a.answer).toContain(i18n.t('vi', 'qa.live.source_chat'));
  });

  it('gives Book Day\'s next date and the next reporting deadlines with their sources', async () => {
    const book = await ask('ngay sach nam sau la ngay nao');
    expect(book.answer).toContain('21/04/2027');
    const due = await ask('hạn báo cáo sắp tới là khi nào?');
    expect(due.answered).toBe(true);
    const lines = due.answer.split('\n').filter((l) => l.startsWith('•'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.includes('Nguồn: '))).toBe(true);
    // In date order, none before today.
    const dates = lines.map((l) => (l.match(/(\d\d)\/(\d\d)\/(\d{4})/) ?? []).slice(1).reverse().join('-'));
    expect(dates).toEqual([...dates].sort());
    expect(dates.every((d) => d >= '2026-12-07')).toBe(true);
  });

  it('leaves "who" and "how" questions about the week to the passages', async () => {
    const a = await ask('who sets the dates and theme of lifelong learning week each year?');
    expect(a.answered).toBe(true);
    expect(a.sources[0]?.text).toContain('Ministry of Education and Training announces');
  });
});
