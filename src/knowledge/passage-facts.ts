/**
 * What a passage gives, found once when the plans are indexed: dates, counts, thresholds, sums of money
 * and the words that show it answers a type of question. The ranking signals (signals.ts) and the
 * decision (decision.ts) read these facts for every question without looking at the text again.
 */
import type { Language } from '../i18n/index.js';
import { joinedPairs, phraseAt, type Analyse, type Analysis } from './analyse.js';
import { CUED_TYPES, type CuedType, type PhraseTable } from './lexicon.js';
import type { Bound } from './query.js';

export interface PassageFacts {
  /** The first passage of its section, the one that follows the heading line. */
  readonly first: boolean;
  /** A date or a time ("ngày 24/8/2016", "quý III năm 2020", "cuối năm 2025"). */
  readonly timed: boolean;
  /** A number, in digits or in words. */
  readonly numbered: boolean;
  /** A sum of money ("500.000 đồng", "2 tỷ"). */
  readonly money: boolean;
  /** The words it gives a count of, as tokens ("tinh" for "34 tỉnh"). */
  readonly counts: ReadonlySet<string> | null;
  /** Its dates, as "1-7" and "1-7-2025" (see `datesOf`). */
  readonly dates: ReadonlySet<string> | null;
  /** The thresholds it sets: a least, a most. */
  readonly bounds: ReadonlySet<Bound>;
  /** The types of question its words show it answers (lexicon answerCues). */
  readonly cues: ReadonlySet<CuedType>;
  /** The bigram terms its text joins with "và"/"hoặc" (see `joinedPairs`). */
  readonly joined: ReadonlySet<string>;
}

/** Thresholds in a passage: a least (a number to reach, or not to go under) and a most. */
const BOUND: Readonly<Record<Bound, RegExp>> = {
  least: /(?<!\p{L})(trở lên|tối thiểu|ít nhất|(dưới|below|under)\s+\d|at least|or more|minimum)(?!\p{L})/iu,
  most: /(?<!\p{L})(trở xuống|tối đa|nhiều nhất|(không quá|không vượt quá|no more than|up to)\s+\d|at most|maximum)(?!\p{L})/iu,
};
/** A time that is not a whole date: a quarter, a year, a month ("quý III/2020", "năm 2025", "tháng 10"). */
const TIME = /(?<!\p{L})(quý\s*[IV\d]+|năm\s+\d{4}|tháng\s+\d{1,2}|(19|20)\d\d)(?!\p{L})/iu;
/**
 * A number in a passage, in digits or in words ("khoảng hai tuần", "mười chỉ số", "ten indicators"); not
 * "năm" or "một", which are also "year" and "a".
 */
const NUMBER = /\d|(?<!\p{L})(hai|ba|bốn|sáu|bảy|tám|chín|mười|trăm|nghìn|triệu|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million)(?!\p{L})/iu;
/** A sum of money: a number then a currency or its multiple. */
const MONEY = /\d[\d.,]*\s*(đồng|triệu|tỷ|nghìn đồng|ngàn đồng|vnđ|vnd|dong|million dong|billion dong)(?!\p{L})/iu;
/**
 * A count in a text: a number, or one written as a word, then a space and a word ("34 tỉnh", "mười chỉ
 * số", "34 provinces"). Not a numbering ("1. Sở …", "(1) tìm đọc"), a number after another ("11/12
 * huyện", "3.321"), a percentage, or "năm"/"một", which are also "year" and "a".
 */
const COUNT = /(?<![\p{L}\p{N}./-])(\d+|hai|ba|bốn|sáu|bảy|tám|chín|mười|two|three|four|five|six|seven|eight|nine|ten)[ \t]+(\p{L}+)/giu;

/**
 * A date: "1/7/2025", "01-7", "1 tháng 7 năm 2025", "ngay 1 thang 7", "1 July 2025". Not a document number
 * ("24/2023/TT-BGDĐT": the month has one or two digits and no digit follows).
 */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DATE = new RegExp(
  `(?<![\\p{N}/.-])(\\d{1,2})(?:\\s*[/-]\\s*(\\d{1,2})(?![\\p{N}])(?:\\s*[/-]\\s*(\\d{4}))?|\\s+(?:tháng|thang)\\s+(\\d{1,2})(?:\\s+(?:năm|nam)\\s+(\\d{4}))?|\\s+(${MONTHS.join('|')})(?:\\s+(\\d{4}))?)`,
  'giu',
);

/** The dates of a text, as "1-7" and, with the year, "1-7-2025" too. */
export function datesOf(text: string): Set<string> | undefined {
  let dates: Set<string> | undefined;
  for (const m of text.matchAll(DATE)) {
    const [, day = '', slashMonth, slashYear, wordMonth, wordYear, monthName, nameYear] = m;
    const month = slashMonth ?? wordMonth ?? (monthName ? String(MONTHS.indexOf(monthName.toLowerCase()) + 1) : '');
    const year = slashYear ?? wordYear ?? nameYear;
    const dm = `${Number(day)}-${Number(month)}`;
    if (Number(day) < 1 || Number(day) > 31 || Number(month) < 1 || Number(month) > 12) continue;
    (dates ??= new Set()).add(dm);
    if (year) dates.add(`${dm}-${year}`);
  }
  return dates;
}

/** The words a passage gives a count of, as tokens ("tinh" for "34 tỉnh"). */
function countsOf(text: string, analyse: Analyse, lang: Language): Set<string> | null {
  let counts: Set<string> | null = null;
  for (const m of text.matchAll(COUNT)) {
    const token = analyse(m[2] as string, lang).tokens[0];
    if (token !== undefined) (counts ??= new Set()).add(token);
  }
  return counts;
}

/** The cue words of each question type, analysed for one language: see `factsOf`. */
export type CueTables = Readonly<Record<CuedType, PhraseTable>>;

/**
 * The facts of a passage: `text` is the whole passage, `analyses` what the index made of its parts (heading
 * line, body), read again rather than analysing the text twice.
 */
export function factsOf(
  text: string,
  first: boolean,
  analyses: readonly Analysis[],
  analyse: Analyse,
  lang: Language,
  cueTables: CueTables,
): PassageFacts {
  const dates = datesOf(text) ?? null;
  const cues = new Set<CuedType>();
  for (const type of CUED_TYPES) {
    const table = cueTables[type];
    if (analyses.some(({ tokens }) => tokens.some((_, i) => phraseAt(table, tokens, i) !== undefined))) cues.add(type);
  }
  return {
    first,
    timed: dates !== null || TIME.test(text),
    numbered: NUMBER.test(text),
    money: MONEY.test(text),
    counts: countsOf(text, analyse, lang),
    dates,
    bounds: new Set((['least', 'most'] as const).filter((b) => BOUND[b].test(text))),
    cues,
    joined: new Set(analyses.flatMap((a) => joinedPairs(a, lang))),
  };
}
