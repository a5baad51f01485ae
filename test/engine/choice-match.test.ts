import { describe, expect, it } from 'vitest';
import { foldAnswer, matchChoice } from '../../src/engine/choice-match.js';

const words = { yes: ['có', 'ok', 'đồng ý'].map(foldAnswer), no: ['không', 'chưa'].map(foldAnswer) };
const pick = (choices: { value: string; label: string }[], text: string) => matchChoice(choices, { text }, undefined, words)?.value;

describe('typed answers to a choice', () => {
  const offer = [
    { value: 'on', label: 'Có, nhận tin' },
    { value: 'off', label: 'Không, cảm ơn' },
  ];

  it('takes the first words of exactly one label', () => {
    const area = [
      { value: 'done', label: 'Xong (1 nơi đã chọn)' },
      { value: 'again', label: 'Gõ lại' },
    ];
    expect(pick(area, 'xong')).toBe('done');
    expect(pick(area, 'Xong!')).toBe('done');
    expect(pick([{ value: 'resident', label: 'Người dân ở xã/phường' }, { value: 'worker', label: 'Người lao động' }], 'nguoi dan')).toBe('resident');
    // Shared first words name no single choice; a longer text is not a prefix.
    expect(pick([{ value: 'a', label: 'Người dân' }, { value: 'b', label: 'Người lao động' }], 'nguoi')).toBeUndefined();
    expect(pick(area, 'xong roi nhe ban oi')).toBeUndefined();
  });

  it('takes a plain yes or no for the choice whose label says so, or whose value is yes/no', () => {
    expect(pick(offer, 'ok')).toBe('on');
    expect(pick(offer, 'đồng ý')).toBe('on');
    expect(pick(offer, 'chua')).toBe('off');
    expect(pick([{ value: 'yes', label: 'Tôi đồng ý' }, { value: 'no', label: 'Không đồng ý' }], 'ok')).toBe('yes');
    // Nothing says yes here: "ok" is no answer.
    expect(pick([{ value: 'vi', label: 'Tiếng Việt' }, { value: 'en', label: 'English' }], 'ok')).toBeUndefined();
  });

  it('keeps numbers, buttons and whole labels first', () => {
    expect(pick(offer, '2')).toBe('off');
    expect(matchChoice(offer, { choice: 'off', text: 'ok' }, undefined, words)?.value).toBe('off');
    expect(pick([{ value: 'x', label: 'Có' }, { value: 'y', label: 'Có, nhận tin' }], 'co')).toBe('x');
  });
});
