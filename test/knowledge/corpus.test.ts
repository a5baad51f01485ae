import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/core/paths.js';
import { loadCorpus } from '../../src/knowledge/corpus.js';
import { LEXICON_FILE } from '../../src/knowledge/lexicon.js';
import { loadKnowledgeBase } from '../../src/knowledge/knowledge-base.js';

describe('loadCorpus on plans/', () => {
  const documents = loadCorpus(dataPaths.plans);
  const byFile = (file: string) => documents.find((d) => d.file === file)?.meta;

  it('reads metadata from the sidecars, leaving empty what the text does not say', () => {
    expect(byFile('003_474c2da9f5b1b4bc.txt')).toMatchObject({
      number: '2042/KH-UBND',
      date: '2020-08-27',
      province: 'Tây Ninh',
      issuer: 'Ủy ban nhân dân tỉnh Tây Ninh',
    });
    expect(byFile('001_e83df4c47cb3ad29.txt')).toMatchObject({ province: '', number: '', date: '', period: '2016-2020' });
    expect(byFile('002_d1d18b40ec1b2645.txt')).toMatchObject({ province: '', number: '', date: '' });
  });

  it('reads front matter from Markdown notes, in their language', () => {
    expect(byFile('hoi-dap-cong-dan-hoc-tap.en.md')?.lang).toBe('en');
    expect(byFile('hoi-dap-cong-dan-hoc-tap.vi.md')?.lang).toBe('vi');
    const note = documents.find((d) => d.file === 'hoi-dap-cong-dan-hoc-tap.vi.md');
    expect(note?.body.startsWith('---')).toBe(false);
  });

  it('takes only .md and .txt files as documents', () => {
    expect(documents.map((d) => d.file).filter((f) => !/\.(md|txt)$/.test(f))).toEqual([]);
    expect(documents.some((d) => d.file.startsWith('README'))).toBe(false);
  });
});

describe('a plans folder an organiser edits', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const folder = (files: Record<string, string>): string => {
    dir = mkdtempSync(join(tmpdir(), 'plans-'));
    copyFileSync(join(dataPaths.plans, LEXICON_FILE), join(dir, LEXICON_FILE));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('indexes a dropped-in document and ignores deadlines.yaml, events.yaml and other files', () => {
    const plansDir = folder({
      'ke-hoach-moi.md': '---\ntitle: Kế hoạch thử\nnumber: 12/KH-UBND\ndate: "2024-03-01"\nprovince: Hà Giang\n---\n# I. Mục tiêu\nPhấn đấu 90% thôn bản có tủ sách cộng đồng phục vụ người dân đọc sách miễn phí.\n',
      'deadlines.yaml': 'deadlines: []\n',
      'events.yml': 'events: []\n',
      'notes.docx': 'binary',
    });
    const kb = loadKnowledgeBase({ plansDir });
    expect(kb.documents.map((d) => d.file)).toEqual(['ke-hoach-moi.md']);
    const answer = kb.answer('Hà Giang phấn đấu bao nhiêu phần trăm thôn bản có tủ sách?');
    expect(answer.answered).toBe(true);
    expect(answer.answer).toContain('90% thôn bản có tủ sách');
    expect(answer.answer).toContain('12/KH-UBND');
    expect(answer.answer).toContain('01/03/2024');
  });

  it('rejects bad metadata with the file and the field', () => {
    const plansDir = folder({ 'sai.md': '---\ntitle: Sai ngày\ndate: 1/3/2024\n---\nNội dung.\n' });
    expect(() => loadKnowledgeBase({ plansDir })).toThrow(/sai\.md: date: date must be YYYY-MM-DD or empty/);
  });

  it('rejects an unknown metadata field, which is most often a typo', () => {
    const plansDir = folder({ 'sai.md': '---\ntitel: Sai chính tả\n---\nNội dung.\n' });
    expect(() => loadKnowledgeBase({ plansDir })).toThrow(/sai\.md/);
  });
});
