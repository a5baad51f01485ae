import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../../src/i18n/index.js';
import { renderReplies, renderReply, splitText, ZALO_TEXT_LIMIT } from '../../../src/channels/zalo/render.js';

const i18n = createI18n();
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const vi = i18n.for('vi');
const en = i18n.for('en');

describe('Zalo rendering', () => {
  const menu = { text: 'Anh/Chị cần gì ạ?', choices: [{ label: 'Hỏi về kế hoạch', value: 'qa' }, { label: 'Công dân học tập', value: 'learning' }, { label: 'Cài đặt', value: 'settings' }] };

  it('numbers the choices of a reply and says how to answer, in the person\'s language', () => {
    expect(renderReply(menu, vi, 'reply')).toBe(
      'Anh/Chị cần gì ạ?\n\n1. Hỏi về kế hoạch\n2. Công dân học tập\n3. Cài đặt\n\nAnh/Chị trả lời bằng số (1, 2, 3) hoặc gõ tên mục để chọn.',
    );
    expect(renderReply(menu, en, 'reply')).toContain('Reply with a number (1, 2, 3)');
  });

  it('spells out command choices in a proactive message, since numbers would answer another question', () => {
    const reminder = { text: 'Hạn nộp: 10/12.', choices: [{ label: 'Đã nộp', value: '/reported x1' }, { label: 'Xem thêm', value: 'more' }] };
    expect(renderReply(reminder, vi, 'proactive')).toBe('Hạn nộp: 10/12.\n\n• Xem thêm\n\n• Đã nộp: gõ /reported x1');
  });

  it('shows the words to type for choices whose label does what the button does, in the person\'s language', () => {
    const reminder = { text: 'Hạn nộp: 10/12.', choices: [{ label: 'Đã nộp', value: '/reported x1', typed: true }, { label: 'Nhắc lại sau', value: '/snooze x1', typed: true }] };
    expect(renderReply(reminder, vi, 'proactive')).toBe('Hạn nộp: 10/12.\n\n👉 Anh/Chị gõ trả lời: Đã nộp / Nhắc lại sau');
    expect(renderReply({ ...reminder, choices: reminder.choices.map((c, i) => ({ ...c, label: ['Reported', 'Remind me later'][i] as string })) }, en, 'proactive')).toBe(
      'Hạn nộp: 10/12.\n\n👉 Type your answer: Reported / Remind me later',
    );
  });

  it('spells out command choices in a reply too, numbering only the answers to the question', () => {
    const offer = { text: 'Nhận tin Tuần lễ học tập?', choices: [{ label: 'Có', value: '/news_on' }, { label: 'Không', value: '/news_off' }] };
    const text = renderReplies([offer, menu], vi, 'reply').join('\n\n');
    expect(text).toContain('• Có: gõ /news_on\n• Không: gõ /news_off');
    expect(text).toContain('1. Hỏi về kế hoạch\n2. Công dân học tập\n3. Cài đặt');
    expect(text).not.toMatch(/1\. Có/);
  });

  it('writes out media at web addresses and leaves out other platforms\' file ids', () => {
    const text = renderReply(
      { text: 'Minh chứng', media: [{ kind: 'photo', fileId: 'https://zalo.example/p.jpg', channel: 'zalo', caption: '1. Lớp học' }, { kind: 'photo', fileId: 'AgAC-1', channel: 'telegram' }] },
      vi,
      'reply',
    );
    expect(text).toBe('Minh chứng\n\n📎 1. Lớp học: https://zalo.example/p.jpg');
  });

  it('writes links out and drops files it cannot attach', () => {
    const text = renderReply({ text: 'Lịch:', link: { label: 'Tải lịch', url: 'https://bot.example.vn/c/abc.ics' }, file: { name: 'a.ics', mime: 'text/calendar', content: 'BEGIN' } }, vi, 'reply');
    expect(text).toBe('Lịch:\n\nTải lịch: https://bot.example.vn/c/abc.ics');
  });

  it('keeps a turn in one message when it fits', () => {
    expect(renderReplies([{ text: 'Xin chào!' }, menu], vi, 'reply')).toHaveLength(1);
  });

  it('splits long text on paragraph boundaries first, then lines, then spaces', () => {
    const para = 'a'.repeat(1200);
    expect(splitText(`${para}\n\n${para}\n\n${para}`)).toEqual([para, para, para]);
    const lines = Array.from({ length: 5 }, (_, i) => `${i}${'b'.repeat(599)}`);
    expect(splitText(lines.join('\n'))).toEqual([lines.slice(0, 3).join('\n'), lines.slice(3).join('\n')]);
    const word = 'c'.repeat(4500);
    expect(splitText(word).map((p) => p.length)).toEqual([2000, 2000, 500]);
    // An emoji is two UTF-16 units: the cut moves back one rather than break it.
    const emoji = 'a' + '😀'.repeat(1500);
    expect(splitText(emoji).map((p) => p.length)).toEqual([1999, 1002]);
    expect(splitText(emoji).join('')).toBe(emoji);
  });

  it('never exceeds the limit, never splits an emoji, and loses nothing but the whitespace at cuts', () => {
    const piece = fc.oneof(fc.constantFrom('\n\n', '\n', ' ', '😀', '😀'.repeat(40), 'ệ'), fc.string({ minLength: 1, maxLength: 300 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 20, max: 400 }), (pieces, limit) => {
        const text = pieces.join('');
        const parts = splitText(text, limit);
        for (const p of parts) {
          expect(p.length).toBeLessThanOrEqual(limit);
          expect(p.length).toBeGreaterThan(0);
          expect(p).not.toMatch(loneSurrogate);
        }
        const squash = (s: string) => s.replace(/\s+/g, '');
        expect(squash(parts.join(''))).toBe(squash(text));
      }),
    );
  });

  it('keeps the documented 2,000 characters as its limit', () => {
    expect(ZALO_TEXT_LIMIT).toBe(2000);
  });
});
