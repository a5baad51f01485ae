import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/core/paths.js';
import { createAnalyser } from '../../src/knowledge/analyse.js';
import { loadLexicon } from '../../src/knowledge/lexicon.js';
import { groupAlike, noteAnswers, termsOf } from '../../src/questions/similar.js';

/** Which questions count as one, read as the Q&A reads them. */
describe('alike questions', () => {
  const analyse = createAnalyser(loadLexicon(dataPaths.plans));
  const terms = (text: string) => termsOf(analyse, text, 'vi');
  const groups = (texts: string[]) => groupAlike(texts, terms);

  it('groups one question typed with and without marks, in chat short forms, with words that only ask', () => {
    expect(groups(['Nhà văn hóa tổ 5 có mở lớp tiếng Anh cho trẻ em không?', 'nha van hoa to 5 co mo lop tieng anh cho tre em ko', 'cho em hỏi nhà văn hoá tổ 5 có mở lớp tiếng Anh cho trẻ em không ạ'])).toHaveLength(1);
  });

  it('keeps apart questions about different numbers or different things', () => {
    expect(groups(['Nhà văn hóa tổ 5 có mở lớp tiếng Anh không?', 'Nhà văn hóa tổ 7 có mở lớp tiếng Anh không?'])).toHaveLength(2);
    expect(groups(['Nhà văn hóa tổ 5 có mở lớp tiếng Anh không?', 'Nhà văn hóa tổ 5 có cho thuê hội trường không?'])).toHaveLength(2);
  });

  it('lets a note answer the same question reworded, but not one about another place or asking more', () => {
    const note = terms('Tủ sách nhà văn hóa tổ 2 có mở cửa Chủ nhật không?');
    expect(noteAnswers(note, terms('Tủ sách ở nhà văn hóa tổ 2 Chủ nhật có mở cửa không ạ?'))).toBe(true);
    expect(noteAnswers(note, terms('Tủ sách ở nhà văn hóa tổ 3 Chủ nhật có mở cửa không ạ?'))).toBe(false);
    expect(noteAnswers(note, terms('Tủ sách nhà văn hóa tổ 2 có mở cửa Chủ nhật không, mượn sách có phải đóng tiền cọc và làm thẻ thư viện ở đâu?'))).toBe(false);
    expect(noteAnswers(note, terms('Sân bóng chuyền có cho thuê buổi tối không?'))).toBe(false);
  });
});
