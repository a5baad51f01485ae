import type { Language } from '../i18n/index.js';
import { fold } from '../core/fold.js';
import { writtenForm } from './fold.js';
import { typedForm, type Lexicon, type Phrase, type PhraseTable } from './lexicon.js';
import { isWordChar, WordTable } from './words.js';

/** A text as the index sees it. */
export interface Analysis {
  /** Folded syllables (Vietnamese) or words (English) in reading order, short forms expanded. */
  readonly tokens: readonly string[];
  /** Per token: false for stop words, parts of stop phrases and lone letters. */
  readonly content: readonly boolean[];
  /**
   * Per token: true when it joins no bigram: inside a stop phrase ("là gì", "bao nhiêu"), and an English
   * stop word ("a learning" says nothing). A Vietnamese stop word still joins ("sơn la").
   */
  readonly apart: readonly boolean[];
  /** Document numbers as whole units, e.g. "#489:qd" for "489/QĐ-TTg", "QĐ 489" or "Quyết định số 489". */
  readonly units: readonly string[];
}

export type Analyse = (text: string, lang: Language) => Analysis;

/** Prefix of unit terms; no token contains it, so a unit never equals a word. */
const UNIT = '#';
/** Distinct written words remembered; the plans use a few thousand. */
const MEMO_MAX = 100_000;
/**
 * Number [/year] [separator code [separator code]]; a code is a word of Latin letters (with Vietnamese
 * ones) after a dash, slash or space. No Unicode-property classes: this runs over every passage.
 */
const CODE = '[A-Za-z\\u00C0-\\u024F\\u1E00-\\u1EFF]+';
const DOCUMENT_NUMBER = new RegExp(
  `(\\d+)(?:\\s*/\\s*\\d{4})?(?:(\\s*[-/]\\s*|\\s+)(${CODE})(?:(\\s*[-/]\\s*)(${CODE}))?)?`,
  'g',
);
const SLASH = /^\s*[-/]\s*$/;
/** Enough text before a number for the longest type name ("Thông báo kết luận số"). */
const LOOK_BACK = 40;

/**
 * Vietnamese writes the same syllable with final "y" or "i" ("kỹ"/"kĩ", "quý"/"quí", "lý"/"lí"):
 * a consonant onset followed by a lone "y" becomes "i" ("quy" too). "uy" after another onset ("thủy",
 * "huy") is a different vowel and stays.
 */
const Y_SPELLING = /^(b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|nh|p|ph|qu|r|s|t|th|tr|v|x)y$/;
const DIGITS = /^\d+$/;

/** English plural and possessive endings, so "points" meets "point". Vietnamese syllables never end in "s". */
function englishStem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

function normaliseToken(token: string, lang: Language): string {
  if (DIGITS.test(token)) return token.replace(/^0+(?=\d)/, '');
  return lang === 'vi' ? token.replace(Y_SPELLING, '$1i') : englishStem(token);
}

/** Whether the `length` words from i may all be part of a stop phrase as typed. */
function typedAsPhrase(words: readonly Word[], lang: Language, i: number, length: number): boolean {
  for (let k = i; k < i + length && k < words.length; k++) if (!(words[k] as Word)[lang].asking) return false;
  return true;
}

/** The longest phrase of a table that starts at word i. Plain loops: this runs for most words of a text. */
export function phraseAt(table: PhraseTable, words: readonly string[], i: number): Phrase | undefined {
  next: for (const phrase of table.get(words[i] as string) ?? []) {
    for (let k = 0; k < phrase.words.length; k++) if (words[i + k] !== phrase.words[k]) continue next;
    return phrase;
  }
  return undefined;
}

/** What the analyser needs to know of one written word in one language. */
interface WordIn {
  /** The token it becomes (spelling and plural endings evened out). */
  readonly token: string;
  /** Whether it carries no content; judged as written, before normalising ("does"). */
  readonly stop: boolean;
  /** Whether a stop phrase starts with it. */
  readonly asks: boolean;
  /** Whether it may be part of a stop phrase as typed: without marks, or written like a word of one. */
  readonly asking: boolean;
}

/**
 * What the analyser needs to know of one written word, worked out once per distinct word. The facts of
 * each language sit in one object, read by name: a lookup by language (`token[lang]`) for every word of
 * every passage made up much of the time spent indexing.
 */
interface Word {
  /** As typed, lower case, repeated letters once: what the chat table is matched against. */
  readonly typed: string;
  /** Whether a chat short form starts with it. */
  readonly chats: boolean;
  readonly folded: string;
  /** Whether a short form starts with it. */
  readonly abbreviates: boolean;
  readonly vi: WordIn;
  readonly en: WordIn;
}

export function createAnalyser(lexicon: Lexicon): Analyse {
  const wordOf = (written: string): Word => {
    const typed = typedForm(written);
    const folded = fold(typed);
    const lone = folded.length === 1 && !DIGITS.test(folded);
    // Folding makes "vé" (ticket), "đề" (đề án) and "máy" (máy tính) stop words ("về", "để", "mấy"); a
    // word typed with its marks says which it is. One typed without them may be either: a stop word.
    const form = writtenForm(typed);
    const marked = form !== folded;
    const wordIn = (lng: Language): WordIn => ({
      token: normaliseToken(folded, lng),
      stop: lone || (lexicon.stopWords[lng].has(folded) && (!marked || lexicon.writtenStopWords[lng].has(form))),
      asks: lexicon.stopPhrases[lng].has(folded),
      asking: !marked || lexicon.writtenStopPhraseWords[lng].has(form),
    });
    return { typed, chats: lexicon.chat.has(typed), folded, abbreviates: lexicon.abbreviations.has(folded), vi: wordIn('vi'), en: wordIn('en') };
  };
  // Everything about a word is worked out once per distinct written word.
  const table = new WordTable(wordOf, MEMO_MAX);
  /** The entry of one word (a lexicon word, a code read by findUnits). */
  const wordFor = (written: string): Word => table.wordsOf(written)[0] ?? wordOf(written);

  // Last words of type names: a number preceded by anything else has no type word before it.
  const typeEndings = new Set([...lexicon.documentTypes.keys()].map((name) => name.slice(name.lastIndexOf(' ') + 1)));

  /** The type named by the folded words just before position `end` (exclusive), skipping "số". */
  function typeBefore(words: readonly string[], end: number): string | undefined {
    const last = words[end - 1] === 'so' ? end - 1 : end;
    if (!typeEndings.has(words[last - 1] as string)) return undefined;
    for (let n = lexicon.documentTypeWords; n >= 1; n--) {
      if (last - n < 0) continue;
      const type = lexicon.documentTypes.get(words.slice(last - n, last).join(' '));
      if (type) return type;
    }
    return undefined;
  }

  /**
   * Document numbers: [type words [số]] number [/year] [separator code [separator code]]. "05/2005/NQ-CP"
   * has a year; a code after a space counts only when it is a known type ("489 qd ttg"), and an unknown
   * one needs a dash or slash and a second code ("49-KI/TW"): that keeps "1- Quán triệt" (a numbered
   * heading) from being read as a document number.
   */
  function findUnits(text: string): string[] {
    const found = new Set<string>();
    for (const m of text.matchAll(DOCUMENT_NUMBER)) {
      const [, digits = '', separator, code, secondSeparator, secondCode] = m;
      // A number glued to a word ("K12", "A4") is not a document number.
      if (m.index > 0 && isWordChar(text.charCodeAt(m.index - 1))) continue;
      const number = digits.replace(/^0+(?=\d)/, '');
      const before = table.wordsOf(text.slice(Math.max(0, m.index - LOOK_BACK), m.index)).map((w) => w.folded);
      const named = typeBefore(before, before.length);
      if (named) found.add(`${UNIT}${number}:${named}`);
      if (code === undefined || separator === undefined) continue;
      const folded = wordFor(code).folded;
      const known = lexicon.documentTypes.get(folded);
      if (known) found.add(`${UNIT}${number}:${known}`);
      else if (SLASH.test(separator) && secondCode !== undefined && SLASH.test(secondSeparator ?? '')) {
        found.add(`${UNIT}${number}:${folded}`);
      }
    }
    return [...found];
  }

  /** Chat short forms and typos replaced by the words they stand for ("ko" → "không"), as typed. */
  function expandChat(words: readonly Word[]): Word[] {
    const typed = words.map((w) => w.typed);
    const out: Word[] = [];
    for (let i = 0; i < words.length; ) {
      const short = (words[i] as Word).chats ? phraseAt(lexicon.chat, typed, i) : undefined;
      if (short) {
        for (const full of short.full) out.push(wordFor(full));
        i += short.words.length;
      } else out.push(words[i++] as Word);
    }
    return out;
  }

  function expandAbbreviations(words: readonly Word[]): Word[] {
    const folded = words.map((w) => w.folded);
    const out: Word[] = [];
    for (let i = 0; i < words.length; ) {
      const short = (words[i] as Word).abbreviates ? phraseAt(lexicon.abbreviations, folded, i) : undefined;
      if (short) {
        for (const full of short.full) out.push(wordFor(full));
        i += short.words.length;
      } else out.push(words[i++] as Word);
    }
    return out;
  }

  return (text, lang) => {
    const typed = table.wordsOf(text);
    const found = typed.some((w) => w.chats) ? expandChat(typed) : typed;
    const words = found.some((w) => w.abbreviates) ? expandAbbreviations(found) : found;
    // Sized up front: growing three arrays word by word is a good part of indexing a large corpus.
    const tokens = new Array<string>(words.length);
    const content = new Array<boolean>(words.length);
    const apart = new Array<boolean>(words.length);
    const english = lang === 'en';
    let asks = false;
    for (let i = 0; i < words.length; i++) {
      const fact = english ? (words[i] as Word).en : (words[i] as Word).vi;
      tokens[i] = fact.token;
      content[i] = !fact.stop;
      apart[i] = english && fact.stop;
      asks ||= fact.asks;
    }
    const folded = asks ? words.map((w) => w.folded) : [];
    for (let i = 0; asks && i < words.length; i++) {
      const phrase = (words[i] as Word)[lang].asks ? phraseAt(lexicon.stopPhrases[lang], folded, i) : undefined;
      if (!phrase || !typedAsPhrase(words, lang, i, phrase.words.length)) continue;
      for (let k = 0; k < phrase.words.length; k++) {
        content[i + k] = false;
        apart[i + k] = true;
      }
    }
    return { tokens, content, apart, units: findUnits(text) };
  };
}

/** A bigram term: two neighbouring tokens. */
export const bigram = (a: string, b: string): string => `${a} ${b}`;

/**
 * Words that join two words in the documents where a question often puts them side by side: "Ai xét
 * công nhận …" asks what "Ai xét và công nhận danh hiệu?" answers. English words match one by one anyway.
 */
const JOINING: Readonly<Record<Language, ReadonlySet<string>>> = { vi: new Set(['va', 'hoac']), en: new Set() };

/** The bigram terms of the content words a text joins with a joining word: "xet cong" for "xét và công nhận". */
export function joinedPairs({ tokens, content }: Analysis, lang: Language): string[] {
  const out: string[] = [];
  for (let i = 1; i + 1 < tokens.length; i++) {
    if (JOINING[lang].has(tokens[i] as string) && content[i - 1] && content[i + 1]) {
      out.push(bigram(tokens[i - 1] as string, tokens[i + 1] as string));
    }
  }
  return out;
}

/**
 * Whether tokens i and i+1 make a bigram term: at least one carries content ("sơn la" although "là"
 * is a stop word) and neither stands apart ("học tập là gì" must not meet a heading "… là gì?").
 */
export const pairs = (analysis: Analysis, i: number): boolean =>
  i >= 0 &&
  i + 1 < analysis.tokens.length &&
  (analysis.content[i] === true || analysis.content[i + 1] === true) &&
  !analysis.apart[i] &&
  !analysis.apart[i + 1];

/**
 * The terms of an analysed text, repeated as often as they occur: content tokens, bigrams of neighbours
 * (Vietnamese words span syllables: "học tập", "đào tạo") and document-number units.
 */
export function termsOf(analysis: Analysis): string[] {
  const { tokens, content, units } = analysis;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (content[i]) out.push(token);
    if (pairs(analysis, i)) out.push(bigram(token, tokens[i + 1] as string));
  }
  out.push(...units);
  return out;
}

export const isUnit = (term: string): boolean => term.startsWith(UNIT);
/** The number inside a unit term: "#489:qd" → "489". */
export const unitNumber = (term: string): string => term.slice(UNIT.length).split(':')[0] ?? '';
