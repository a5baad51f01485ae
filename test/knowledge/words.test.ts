import { describe, expect, it } from 'vitest';
import { WordTable, wordsOf } from '../../src/knowledge/words.js';

describe('wordsOf', () => {
  it('keeps letters with their marks, digits apart from %, and breaks at punctuation and emoji', () => {
    expect(wordsOf('Hòa nhập: 60% trẻ🙂em, QĐ-TTg')).toEqual(['Hòa', 'nhập', '60', '%', 'trẻ', 'em', 'QĐ', 'TTg']);
    expect(wordsOf('hòa'.normalize('NFD'))).toEqual(['hòa'.normalize('NFD')]);
  });
});

describe('WordTable', () => {
  it('gives the same entry for the same word wherever it stands, working it out once', () => {
    const made: string[] = [];
    const table = new WordTable((w) => {
      made.push(w);
      return { word: w };
    }, 100);
    const [a, b, c] = table.wordsOf('học tập, học');
    expect(a).toBe(c);
    expect(b?.word).toBe('tập');
    expect(made).toEqual(['học', 'tập']);
  });

  it('still answers correctly after forgetting everything when full', () => {
    const table = new WordTable((w) => w.toUpperCase(), 3);
    const text = 'một hai ba bốn năm sáu bảy tám chín mười một hai';
    expect(table.wordsOf(text)).toEqual(text.toUpperCase().split(' '));
  });
});
