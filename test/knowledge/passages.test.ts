import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/core/paths.js';
import { splitPassages, type Passage } from '../../src/knowledge/passages.js';

const plan = (file: string): Passage[] => splitPassages(readFileSync(join(dataPaths.plans, file), 'utf8'));
const containing = (passages: Passage[], words: string): Passage => {
  const found = passages.find((p) => p.text.includes(words));
  if (!found) throw new Error(`no passage contains "${words}"`);
  return found;
};

describe('splitPassages on the plan documents', () => {
  it('follows Roman "I-" and "1-" numbering with bullets (000)', () => {
    const p = containing(plan('000_64a8b29202494fd4.txt'), 'biểu dương các gương sáng tự học');
    expect(p.section).toBe('II- NỘI DUNG, NHIỆM VỤ VÀ GIẢI PHÁP › 2- Đẩy mạnh và đổi mới công tác tuyên truyền');
    expect(p.text.startsWith('2- Đẩy mạnh và đổi mới công tác tuyên truyền\n- Hằng năm tổ chức Tuần lễ')).toBe(true);
  });

  it('keeps a long numbered paragraph as a passage of its own, labelled (000 III-1)', () => {
    const p = containing(plan('000_64a8b29202494fd4.txt'), 'quý IV/2019');
    expect(p.section).toBe('III- TỔ CHỨC THỰC HIỆN › 1-');
  });

  it('joins a sentence broken across a page back together (003)', () => {
    const p = containing(plan('003_474c2da9f5b1b4bc.txt'), 'kiện toàn Ban Chỉ đạo công tác xây dựng xã hội học tập tỉnh');
    expect(p.text).toContain('các đơn vị liên quan tham mưu UBND tỉnh');
    expect(p.section).toMatch(/^II\. Nhiệm vụ, giải pháp chủ yếu và trách nhiệm thực hiện › 1\. .* › b\)$/);
  });

  it('reads Markdown-decorated numbering by its numbers, not its # marks (003)', () => {
    const p = containing(plan('003_474c2da9f5b1b4bc.txt'), 'Sở Tài chính hướng dẫn');
    expect(p.section).toMatch(/^II\. .* › 6\. Đổi mới cơ chế tài chính.* › a\)$/);
    expect(p.text).not.toMatch(/\*\*|#/);
  });

  it('nests 1.1. and 2.1.1. under their parents and puts the heading line first (004)', () => {
    const passages = plan('004_e79c9be65417934e.txt');
    const literacy = containing(passages, 'xóa mù chữ mức độ 2, tỉnh Sơn La');
    expect(literacy.section).toBe(
      'II. MỤC TIÊU › 2. Mục tiêu cụ thể › 2.1. Mục tiêu đến năm 2025 › 2.1.1. Xóa mù chữ và phổ cập giáo dục:',
    );
    const veterans = containing(passages, 'Phối hợp triển khai nhiệm vụ và giải pháp xây dựng XHHT');
    expect(veterans.text.split('\n')[0]).toBe('13.5. Hội Cựu chiến binh, Hội Nông dân, Hội Người cao tuổi, Hội Cựu giáo chức');
    expect(veterans.heading).toBe(veterans.text.split('\n')[0]);
  });

  it('keeps "+" items together with the "-" line that introduces them (004)', () => {
    const p = containing(plan('004_e79c9be65417934e.txt'), 'Đến cuối năm 2030');
    expect(p.text).toContain('- Tổ chức sơ kết, tổng kết cho từng giai đoạn, cụ thể đối với cấp tỉnh:\n+ Đến cuối năm 2025');
  });

  it('leaves out the recipients and signature after "Nơi nhận"', () => {
    for (const file of ['000_64a8b29202494fd4.txt', '001_e83df4c47cb3ad29.txt', '002_d1d18b40ec1b2645.txt', '003_474c2da9f5b1b4bc.txt']) {
      const text = plan(file).map((p) => p.text).join('\n');
      expect(text).not.toMatch(/Nơi nhận|Lưu VPHU|PHÓ BÍ THƯ|Nguyễn Mạnh Hùng/);
    }
  });

  it('keeps what comes before the first heading, with an empty section', () => {
    const first = plan('003_474c2da9f5b1b4bc.txt')[0] as Passage;
    expect(first.section).toBe('');
    expect(first.text).toContain('Số: 2042/KH-UBND');
  });

  it('never loses text between headings', () => {
    const text = plan('002_d1d18b40ec1b2645.txt').map((p) => p.text).join('\n');
    for (const item of ['1- Các cấp ủy đảng', '2- Bám sát', '3- Củng cố', '4- Các cơ quan thông tin', '5- Văn phòng Tỉnh ủy']) {
      expect(text).toContain(item);
    }
  });
});

describe('splitPassages on Markdown', () => {
  it('uses # headings as the path and gathers short lines into one passage', () => {
    const passages = splitPassages('# Title\n\nIntro line.\n\n## Part one\nShort.\n- a bullet\n- another bullet\n');
    expect(passages.map((p) => p.section)).toEqual(['Title', 'Title › Part one']);
    expect(passages[1]?.text).toBe('Part one\nShort.\n- a bullet\n- another bullet');
  });
});
