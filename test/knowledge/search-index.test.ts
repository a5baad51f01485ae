import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/core/paths.js';
import { createAnalyser } from '../../src/knowledge/analyse.js';
import { loadLexicon } from '../../src/knowledge/lexicon.js';
import { SearchIndex } from '../../src/knowledge/search-index.js';

const analyse = createAnalyser(loadLexicon(dataPaths.plans));
const vi = (text: string) => analyse(text, 'vi');

/** Two documents (groups) of two passages; the document details name the province. */
const docs = [
  { details: 'Kế hoạch tỉnh Sơn La', passages: ['Phát triển thư viện xã.', 'Xóa mù chữ cho người lớn.'] },
  { details: 'Kế hoạch tỉnh Tây Ninh', passages: ['Phát triển thư viện xã và tủ sách.', 'Dạy nghề ở nông thôn.'] },
];
const rows = docs.flatMap((doc, group) => doc.passages.map((text) => ({ text, group, details: doc.details })));
const index = SearchIndex.build(rows.length, (p) => {
  const row = rows[p] as (typeof rows)[number];
  const text = vi(row.text);
  return {
    text,
    context: [],
    length: text.tokens.length,
    group: row.group,
    groupContext: [{ key: row.group, analyse: () => vi(row.details), weight: 0.3 }],
  };
});

describe('SearchIndex', () => {
  it("counts a document's details for each of its passages", () => {
    const ids = index.ids(['son la', 'thu vien']);
    expect(index.containsId(1, ids.get('son la') as number)).toBe(true);
    expect(index.containsId(2, ids.get('son la') as number)).toBe(false);
    expect(index.idf('son la')).toBeCloseTo(index.idf('thu vien'));
  });

  it('ranks the passage that has the words and its province first, then the other province', () => {
    const query = new Map([
      ['thu vien', 1.5],
      ['son la', 1.5],
    ]);
    const top = index.top(query, 3).map((s) => s.passage);
    expect(top[0]).toBe(0);
    expect(top).toContain(2);
    expect(top).toContain(1);
  });

  it('refuses passages of a group that does not follow on', () => {
    expect(() =>
      SearchIndex.build(2, (p) => ({ text: vi('x'), context: [], length: 1, group: p * 2, groupContext: [] })),
    ).toThrow(/group 2/);
  });
});
