import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/core/paths.js';
import { createAnalyser, termsOf } from '../../src/knowledge/analyse.js';
import { parseDataText } from '../../src/core/data-file.js';
import { lexiconSchema, loadLexicon } from '../../src/knowledge/lexicon.js';

const analyse = createAnalyser(loadLexicon(dataPaths.plans));
const vi = (text: string) => analyse(text, 'vi');

describe('analyse', () => {
  it('rewrites abbreviations to their full form, so either matches the other', () => {
    expect(vi('Sở GD&ĐT và UBND tỉnh').tokens).toEqual(vi('Sở Giáo dục và Đào tạo và Ủy ban nhân dân tỉnh').tokens);
    expect(vi('XHHT').tokens).toEqual(['xa', 'hoi', 'hoc', 'tap']);
    expect(vi('trung tâm HTCĐ').tokens).toEqual(vi('trung tâm học tập cộng đồng').tokens);
  });

  it('reads a document number as one unit however it is written', () => {
    const unit = vi('Quyết định số 489/QĐ-TTg').units;
    expect(unit).toContain('#489:qd');
    expect(vi('489 qd ttg').units).toContain('#489:qd');
    expect(vi('QĐ 489').units).toContain('#489:qd');
    expect(vi('Kết luận 49').units).toEqual(vi('49-KL/TW').units);
    expect(vi('Nghị quyết số 05/2005/NQ-CP').units).toContain('#5:nq');
  });

  it('does not take numbered headings, dates or ranges for document numbers', () => {
    expect(vi('1- Quán triệt sâu sắc').units).toEqual([]);
    expect(vi('ngày 10/5/2019, giai đoạn 2021-2030').units).toEqual([]);
  });

  it('treats question words as no content and keeps them out of two-syllable terms', () => {
    const a = vi('Sơn La có bao nhiêu huyện?');
    expect(a.tokens.filter((_, i) => a.content[i])).toEqual(['son', 'huyen']);
    const terms = termsOf(a);
    expect(terms).toContain('son la');
    expect(terms).not.toContain('bao nhieu');
    expect(terms).not.toContain('nhieu huyen');
    expect(termsOf(vi('Công dân học tập có những chỉ số nào'))).not.toContain('so nao');
  });

  it('tells a word typed with its marks from the stop word it folds onto, and reads an unmarked one as either', () => {
    const contentOf = (text: string): string[] => {
      const a = vi(text);
      return a.tokens.filter((_, i) => a.content[i]);
    };
    // "vé" (ticket), "đề" (đề án), "máy" (máy tính) fold onto "về", "để", "mấy".
    expect(contentOf('Giá vé bảo tàng')).toEqual(['gia', 've', 'bao', 'tang']);
    expect(contentOf('Đề án về máy tính')).toEqual(['de', 'an', 'may', 'tinh']);
    expect(contentOf('Gia ve bao tang')).toEqual(['gia', 'bao', 'tang']);
    expect(contentOf('Kế hoạch về việc để làm')).toEqual(['ke', 'hoach', 'viec', 'lam']);
  });

  it('expands the short names of bodies people type', () => {
    expect(vi('LĐLĐ tỉnh').tokens).toEqual(vi('Liên đoàn Lao động tỉnh').tokens);
    expect(vi('Hội LHPN').tokens).toEqual(vi('Hội Liên hiệp Phụ nữ').tokens);
    expect(vi('Sở NN&PTNT').tokens).toEqual(vi('Sở Nông nghiệp và Phát triển nông thôn').tokens);
  });

  it('evens out the y/i spelling of one syllable', () => {
    expect(vi('kỹ năng, quý IV').tokens).toEqual(vi('kĩ năng, quí IV').tokens);
  });

  it('strips English plural endings and English question words', () => {
    const a = analyse('How many points does a learning citizen need?', 'en');
    expect(a.tokens.filter((_, i) => a.content[i])).toEqual(['point', 'learning', 'citizen']);
    // "a learning" would make "What is a learning society?" look like an answer to it.
    expect(termsOf(analyse('What is a learning citizen?', 'en'))).toEqual(['learning', 'learning citizen', 'citizen']);
  });
});

describe('lexicon.yaml', () => {
  it('names the line and the field that is wrong', () => {
    expect(() => parseDataText('abbreviations: {}\ndocumentTypes: {}\n', 'plans/lexicon.yaml', lexiconSchema)).toThrow(/^plans\/lexicon\.yaml: 1: questionTypes: /);
  });
});
