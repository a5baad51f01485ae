import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/core/paths.js';
import { createAnalyser } from '../../src/knowledge/analyse.js';
import { sectionLabel } from '../../src/knowledge/citation.js';
import { loadLexicon } from '../../src/knowledge/lexicon.js';
import { ask, i18n, kb } from './asker.js';

const lexicon = loadLexicon(dataPaths.plans);
const analyse = createAnalyser(lexicon);
const tokens = (text: string): string[] => analyse(text, 'vi').tokens as string[];

describe('chat Vietnamese', () => {
  it('reads short forms, letters typed over and over, and typos as the words they stand for', () => {
    expect(tokens('ko dc hok đc khôngggg')).toEqual(tokens('không được không được không'));
    expect(tokens('cdht ntn')).toEqual(tokens('công dân học tập như thế nào'));
    expect(tokens('sv bik')).toEqual(tokens('sinh viên biết'));
    // Fillers go: addressing the bot, the asker, "z" for "vậy".
    expect(tokens('ad ơi mk hỏi cdht z')).toEqual(tokens('ơi hỏi công dân học tập'));
  });

  it('reads the words that only ask for an explanation as asking, not as what is asked', async () => {
    for (const typed of ['ad giai thich giùm e tuan le hoc tap suot doi la j voi', 'tuần lễ học tập suốt đời là gì, giải thích dễ hiểu giúp với']) {
      const chat = await ask(typed);
      const formal = await ask('Tuần lễ học tập suốt đời là gì?');
      expect(chat.answered, typed).toBe(true);
      expect(chat.sources[0]?.text, typed).toBe(formal.sources[0]?.text);
    }
  });

  it('matches a short form with marks only as typed: "hông" is "không", "hồng" stays a word', () => {
    expect(tokens('hông')).toEqual(tokens('không'));
    expect(tokens('hồng')).toEqual(['hong']);
  });

  it('answers a citizen typing in chat form as it answers the question written out', async () => {
    const chat = await ask('cho minh hoi nguoi lon ko biet chu thi co dc di hoc ko ad');
    const formal = await ask('Người lớn không biết chữ có được đi học không?');
    expect(chat.answered).toBe(true);
    expect(chat.sources[0]?.text).toMatch(/xóa m[ùũ] chữ/);
    expect(chat.sources.slice(0, 3).map((s) => s.text)).toContain(formal.sources[0]?.text);
  });
});

describe('answers for a phone', () => {
  it('leads with the answering sentence and cites kind, number, province, date and section briefly', async () => {
    const a = await ask('Sơn La đặt mục tiêu đến 2025 bao nhiêu % lao động có kỹ năng sống?');
    const [lead] = a.answer.split('\n');
    expect(lead).toContain('50% số người trong độ tuổi lao động');
    expect(a.answer).toContain('Nguồn: KH 2547/QĐ-UBND (Sơn La, 18/10/2021), mục 2.1.2 b)');
  });

  it('numbers a section the way the plans do', () => {
    expect(sectionLabel('II. MỤC TIÊU › 2. Mục tiêu cụ thể › 2.1. Mục tiêu đến năm 2025 › 2.1.4. Xây dựng')).toBe('2.1.4');
    expect(sectionLabel('III- TỔ CHỨC THỰC HIỆN › 1-')).toBe('III.1');
    expect(sectionLabel('Danh hiệu “Công dân học tập” › Ai xét và công nhận danh hiệu?')).toBe('Ai xét và công nhận danh hiệu?');
  });

  it('shows the whole passage with its full heading path behind "Xem toàn văn"', () => {
    const [hit] = kb.search('Sở Tài chính Tây Ninh hướng dẫn gì?', { limit: 1 }).hits;
    expect(hit?.full).toContain(hit?.text ?? '-');
    expect(hit?.full).toContain(hit?.section ?? '-');
    expect(hit?.full).toContain('Nguồn: KH 2042/KH-UBND');
  });
});

describe('the document a question names', () => {
  it('sets aside the document a question says it is not about', async () => {
    const a = await ask('Trong công văn BTV Tỉnh ủy gửi các huyện, thành ủy về Kết luận 49 (khác với kế hoạch 162), cơ quan nào theo dõi việc thực hiện công văn đó?');
    expect(a.sources[0]?.document).toBe('002_d1d18b40ec1b2645.txt');
  });

  it('declines a province whose plan it does not have, saying which it has', async () => {
    const a = await ask('Kế hoạch xây dựng xã hội học tập của tỉnh Nghệ An đặt chỉ tiêu gì?');
    expect(a.answered).toBe(false);
    expect(a.answer).toContain('Nghệ An');
    expect(a.answer).toContain('Sơn La');
  });

  it('declines a named person\'s file and says where to ask', async () => {
    for (const q of ['hồ sơ cdht của chị Nguyễn Thị Lan ở phường 3 duyệt chưa ad', 'ho so cua nguyen van binh dat cdht chua']) {
      const a = await ask(q);
      expect(a.answered, q).toBe(false);
      expect(a.answer).toBe(i18n.t('vi', 'qa.personal'));
    }
  });

  it('declines a sum of money the plans never give', async () => {
    for (const q of ['Đạt danh hiệu công dân học tập thì được thưởng bao nhiêu tiền?', 'hoc lop xoa mu chu co phai dong hoc phi ko, bao nhieu 1 thang']) {
      expect((await ask(q)).answered, q).toBe(false);
    }
  });
});

describe('English', () => {
  it('finds the Vietnamese passage through the glossary and says it is quoted in Vietnamese', async () => {
    const a = await ask('Which provincial department coordinates Son La\'s 2021-2030 learning society plan on behalf of the People\'s Committee?');
    expect(a.answered).toBe(true);
    expect(a.answer.split('\n')[0]).toBe(i18n.t('en', 'qa.quoted_in_vietnamese'));
    expect(a.sources[0]?.text).toContain('thường trực');
    expect(a.why?.via).toBe('glossary');
  });

  it('does not take a question the glossary cannot read whole to the Vietnamese plans', async () => {
    expect((await ask('How to register a motorbike in Vietnam?')).answered).toBe(false);
  });
});

describe('bad input', () => {
  it('asks for the question when given only teen code', async () => {
    const a = await ask('ad oi cho e hoi cai');
    expect(a).toMatchObject({ answered: false, answer: i18n.t('vi', 'qa.empty') });
  });

  it('answers a question that is only a document number with that document', async () => {
    const a = await ask('2547/QĐ-UBND');
    expect(a.sources[0]?.document).toBe('004_e79c9be65417934e.txt');
  });

  it('reads a question mixing English and Vietnamese', async () => {
    const a = await ask('cho minh hoi deadline nop bao cao ke hoach 2042 la khi nao?');
    expect(a.answered).toBe(true);
    expect(a.sources[0]?.document).toBe('003_474c2da9f5b1b4bc.txt');
  });

  it('answers the first 500 characters of 5,000 and declines emoji without changing anything', async () => {
    const long = `${'cong dan hoc tap can bao nhieu diem '.repeat(140)}`;
    expect(long.length).toBeGreaterThan(5000);
    const a = await ask(long);
    expect(a.answer.startsWith(i18n.t('vi', 'qa.truncated'))).toBe(true);
    const before = await ask('Công dân học tập cần bao nhiêu điểm?');
    expect((await ask('🙂🎉👍 ??')).answered).toBe(false);
    expect((await ask('Công dân học tập cần bao nhiêu điểm?')).answer).toBe(before.answer);
  });
});
