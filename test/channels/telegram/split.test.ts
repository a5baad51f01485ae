import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText, TEXT_LIMIT } from '../../../src/channels/telegram/split.js';

describe('splitText', () => {
  it('leaves a short text alone', () => {
    expect(splitText('Xin chào\n\nAnh/Chị')).toEqual(['Xin chào\n\nAnh/Chị']);
  });

  it('packs whole paragraphs into each piece', () => {
    const paragraphs = Array.from({ length: 9 }, (_, i) => `${i}`.repeat(1000));
    const pieces = splitText(paragraphs.join('\n\n'));
    expect(pieces).toEqual([paragraphs.slice(0, 4).join('\n\n'), paragraphs.slice(4, 8).join('\n\n'), paragraphs[8]]);
  });

  it('breaks a paragraph too long alone at a line break, then at a space, then anywhere', () => {
    expect(splitText('aaaa\nbbbb cccc', 9)).toEqual(['aaaa', 'bbbb cccc']);
    expect(splitText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });

  it('never cuts an emoji in half', () => {
    const pieces = splitText('ab😀cd', 3);
    expect(pieces.join('')).toBe('ab😀cd');
    for (const p of pieces) expect(p).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('keeps every piece within the limit and loses no words', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 60 }), fc.integer({ min: 8, max: TEXT_LIMIT }), (words, limit) => {
        const text = words.join(' \n');
        const pieces = splitText(text, limit);
        for (const p of pieces) expect(p.length).toBeLessThanOrEqual(limit);
        expect(pieces.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
    );
  });
});
