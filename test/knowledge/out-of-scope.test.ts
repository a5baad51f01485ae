import { describe, expect, it } from 'vitest';
import { withoutMarks } from '../../src/knowledge/evaluate.js';
import { ask } from './asker.js';

/**
 * What the plans never say, however near its words come: a count as it stands today, and a sanction.
 * Questions written afresh, not taken from the dev files.
 */
describe('questions the plans do not answer', () => {
  it.each([
    'ad oi hien nay tay ninh co bao nhieu clb khuyen hoc vay',
    'Tây Ninh còn bao nhiêu xã sau khi sáp nhập?',
    'How many community learning centres does Tay Ninh currently have?',
  ])('declines a count as it stands today that no passage gives for the place asked: %s', async (q) => {
    expect((await ask(q)).answered).toBe(false);
    expect((await ask(withoutMarks(q))).answered).toBe(false);
  });

  it('still answers a count today that a passage gives for the place asked', async () => {
    const answer = await ask('Hiện nay cả nước có bao nhiêu tỉnh, thành phố?');
    expect(answer.answered).toBe(true);
    expect(answer.sources[0]?.text).toContain('34 tỉnh');
  });

  it.each([
    'Cán bộ không gửi báo cáo đúng hạn thì bị xử lý kỷ luật ra sao?',
    'Xã không đạt chỉ tiêu xây dựng xã hội học tập có bị xử phạt không?',
  ])('declines a question about a sanction that no passage names: %s', async (q) => {
    expect((await ask(q)).answered).toBe(false);
    expect((await ask(withoutMarks(q))).answered).toBe(false);
  });

  it('answers the same question without the sanction', async () => {
    const answer = await ask('Các huyện ủy gửi báo cáo kết quả thực hiện Kết luận 49 trước ngày nào?');
    expect(answer.answered).toBe(true);
    expect(answer.sources[0]?.text).toContain('15 tháng 12');
  });
});
