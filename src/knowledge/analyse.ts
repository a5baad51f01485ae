import type { Language } from '../i18n/index.js';
import { fold } from './fold.js';
import type { Lexicon } from './lexicon.js';

/** A text as the index sees it. */
export interface Analysis {
  /** Folded syllables (Vietnamese) or words (English) in reading order, short forms expanded. */
  readonly tokens: readonly string[];
  /** Per token: false for stop words, parts of stop phrases and lone letters. */
  readonly content: readonly boolean[];
  /** Per token: true inside a stop phrase ("là gì", "bao nhiêu"): no bigram reaches into one. */
  readonly asking: readonly boolean[];
  /** Document numbers as whole units, e.g. "#489:qd" for "489/QĐ-TTg", "QĐ 489" or "Quyết định số 489". */
  readonly units: readonly string[];
}

export type Analyse = (text: string, lang: Language) => Analysis;

/** Prefix of unit terms; no token contains it, so a unit never equals a word. */
const UNIT = '#';

/**
 * Vietnamese writes the same syllable with final "y" or "i" ("kỹ"/"kĩ", "quý"/"quí", "lý"/"lí"):
 * one consonant onset followed by a lone "y" becomes "i". "uy" in "thủy", "quy" stays apart from "ui".
 */
const Y_SPELLING = /^(b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|nh|p|ph|qu|r|s|t|th|tr|v|x)y$/;

/** English plural and possessive endings, so "points" meets "point". Vietnamese syllables never end in "s". */
function englishStem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

function normaliseToken(token: string, lang: Language): string {
  if (/^\d+$/.test(token)) return token.replace(/^0+(?=\d)/, '');
  return lang === 'vi' ? token.replace(Y_SPELLING, '$1i') : englishStem(token);
}

export function createAnalyser(lexicon: Lexicon): Analyse {
  const typeWords = lexicon.documentTypeWords.map((w) => w.replace(/ /g, '\\s+')).join('|');
  // [type word [số]] number [/year] [separator code [separator code]]. The year form covers "05/2005/NQ-CP".
  const documentNumber = new RegExp(
    String.raw`(?<![\p{L}\p{N}])(?:(${typeWords})\s+(?:so\s*:?\s*)?)?(\d+)(?:\s*/\s*\d{4})?(?:(\s*[-/]\s*|\s+)([a-z]+)(\s*[-/]\s*[a-z]+)?)?(?![\p{L}\p{N}])`,
    'gu',
  );

  function units(folded: string): string[] {
    const found = new Set<string>();
    for (const m of folded.matchAll(documentNumber)) {
      const [, typeWord, digits, separator, code, secondCode] = m;
      if (digits === undefined) continue;
      const number = digits.replace(/^0+(?=\d)/, '');
      const fromWord = typeWord === undefined ? undefined : lexicon.documentType(typeWord.replace(/\s+/g, ' '));
      if (fromWord) found.add(`${UNIT}${number}:${fromWord}`);
      if (code === undefined || separator === undefined) continue;
      const known = lexicon.documentType(code);
      // A code after a dash or slash counts when known, or when a second code follows ("49-KI/TW"):
      // that keeps "1- Quán triệt" (a numbered heading) from becoming a document number.
      if (known) found.add(`${UNIT}${number}:${known}`);
      else if (/[-/]/.test(separator) && secondCode !== undefined) found.add(`${UNIT}${number}:${code}`);
    }
    return [...found];
  }

  return (text, lang) => {
    const folded = fold(text);
    const words = lexicon.expandAbbreviations(folded).match(/[\p{L}\p{N}]+/gu) ?? [];
    // Stop words are matched as written, before spelling and plural endings are evened out ("does").
    const stop = lexicon.stopWords[lang];
    const content = words.map((w) => !stop.has(w) && !(w.length === 1 && /\p{L}/u.test(w)));
    const asking = words.map(() => false);
    for (const phrase of lexicon.stopPhrases[lang]) {
      for (let i = 0; i + phrase.length <= words.length; i++) {
        if (!phrase.every((p, k) => words[i + k] === p)) continue;
        phrase.forEach((_, k) => {
          content[i + k] = false;
          asking[i + k] = true;
        });
      }
    }
    return { tokens: words.map((w) => normaliseToken(w, lang)), content, asking, units: units(folded) };
  };
}

/** A bigram term: two neighbouring tokens. */
export const bigram = (a: string, b: string): string => `${a} ${b}`;

/**
 * Whether tokens i and i+1 make a bigram term: at least one carries content ("sơn la" although "là"
 * is a stop word) and neither asks ("học tập là gì" must not meet a heading "… là gì?").
 */
export const pairs = (analysis: Analysis, i: number): boolean =>
  i >= 0 &&
  i + 1 < analysis.tokens.length &&
  (analysis.content[i] === true || analysis.content[i + 1] === true) &&
  !analysis.asking[i] &&
  !analysis.asking[i + 1];

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
