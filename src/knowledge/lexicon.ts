import { join } from 'node:path';
import { z } from 'zod';
import { loadDataFile } from '../core/data-file.js';
import { LANGUAGES, type Language } from '../i18n/index.js';
import { foldedWords, writtenForm } from './fold.js';
import { wordsOf } from './words.js';

export const LEXICON_FILE = 'lexicon.yaml';

const wordList = z.array(z.string().min(1));
const listsPerLanguage = z.object({ vi: wordList, en: wordList });

const synonymsPerLanguage = z.object({ vi: z.record(z.string().min(1), wordList), en: z.record(z.string().min(1), wordList) });

/** What a question asks for, in the order a question's type is decided: money before a count, and so on. */
export const QUESTION_TYPES = ['amount', 'count', 'when', 'who', 'why', 'how', 'what'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
/** Question types a passage can show it answers by its words (lexicon answerCues). */
export const CUED_TYPES = ['who', 'why', 'how', 'what'] as const;
export type CuedType = (typeof CUED_TYPES)[number];

export const lexiconSchema = z.object({
  questionTypes: z.object(Object.fromEntries(QUESTION_TYPES.map((t) => [t, wordList])) as Record<QuestionType, typeof wordList>).strict(),
  answerCues: z.object(Object.fromEntries(CUED_TYPES.map((t) => [t, wordList])) as Record<CuedType, typeof wordList>).strict(),
  chat: z.record(z.string().min(1), wordList),
  chatFillers: wordList,
  provinces: wordList,
  personNames: z.object({ titles: wordList, surnames: wordList, middle: wordList }).strict(),
  setAside: wordList,
  abbreviations: z.record(z.string().min(1), wordList),
  documentTypes: z.record(z.string().min(1), wordList),
  stopWords: listsPerLanguage,
  stopPhrases: listsPerLanguage,
  domainTerms: listsPerLanguage,
  bodies: synonymsPerLanguage,
  posts: listsPerLanguage,
  presentState: listsPerLanguage,
  sanctions: listsPerLanguage,
  places: wordList,
  genericWords: listsPerLanguage,
  synonyms: synonymsPerLanguage,
});
export type LexiconFile = z.infer<typeof lexiconSchema>;

/** A run of folded words and what it stands for. */
export interface Phrase {
  readonly words: readonly string[];
  readonly full: readonly string[];
}

/** Phrases by their first word, longest first, so a scan tries the longest match at each word. */
export type PhraseTable = ReadonlyMap<string, readonly Phrase[]>;

/** The search vocabulary of plans/lexicon.yaml, folded. */
export interface Lexicon {
  /**
   * Chat short forms and common typos ("ko", "đc", "ntn", "bik"), by their words as typed (lower case,
   * marks kept, letters typed three times or more once: "khôngggg"), with the words they stand for as
   * written (none for a filler: "ad", "mk"). Matched as typed because a form with marks folds onto other
   * words ("hông" onto "hồng").
   */
  readonly chat: PhraseTable;
  /** Short forms ("gd dt" for "GD&ĐT") and the full form each stands for. */
  readonly abbreviations: PhraseTable;
  /** Folded document-type code ("qd") for a code or for type words joined by spaces ("quyet dinh"). */
  readonly documentTypes: ReadonlyMap<string, string>;
  /** The written code of each folded document-type code ("kh" → "KH", "qd" → "QĐ"), for citations. */
  readonly documentCodes: ReadonlyMap<string, string>;
  /** The most words a type name has ("thong bao ket luan": 4). */
  readonly documentTypeWords: number;
  readonly stopWords: Readonly<Record<Language, ReadonlySet<string>>>;
  /**
   * The stop words as written, lower case: a word typed with its marks is a stop word only when written
   * like one ("về" is, "vé" and "đề" are not, though all fold to a stop word).
   */
  readonly writtenStopWords: Readonly<Record<Language, ReadonlySet<string>>>;
  /** The words of the stop phrases as written, lower case, for the same reason ("mấy", not "máy"). */
  readonly writtenStopPhraseWords: Readonly<Record<Language, ReadonlySet<string>>>;
  /** Phrases that only ask ("bao nhieu"); `full` is unused. */
  readonly stopPhrases: Readonly<Record<Language, PhraseTable>>;
  /** The words that ask each type of question, as written (Vietnamese and English together). */
  readonly questionTypes: Readonly<Record<QuestionType, readonly string[]>>;
  /** Words by which a passage shows it answers a type of question, as written. */
  readonly answerCues: Readonly<Record<CuedType, readonly string[]>>;
  /** How a question names one person: titles ("chị"), surnames and middle names, as written. */
  readonly personNames: { readonly titles: readonly string[]; readonly surnames: readonly string[]; readonly middle: readonly string[] };
  /** Provinces of Viet Nam, as written: one no document is about is a province the bot cannot answer for. */
  readonly provinces: readonly string[];
  /** Words after which a question names what it is not about ("không phải", "khác với"), as written. */
  readonly setAside: readonly string[];
  /** Names of the programme's subject, as written: analyse them like a question to compare. */
  readonly domainTerms: Readonly<Record<Language, readonly string[]>>;
  /**
   * Bodies the plans give tasks to, by the name the documents use ("Hội Liên hiệp Phụ nữ"), with shorter
   * names people use for them ("Hội Phụ nữ"), as written.
   */
  readonly bodies: Readonly<Record<Language, Readonly<Record<string, readonly string[]>>>>;
  /** Posts people hold ("chủ tịch", "giám đốc"): the plans say what bodies do, never who holds a post. */
  readonly posts: Readonly<Record<Language, readonly string[]>>;
  /**
   * Words that ask about the present state ("hiện có", "còn bao nhiêu", "currently"): the plans set
   * targets and tasks, they do not keep today's counts.
   */
  readonly presentState: Readonly<Record<Language, readonly string[]>>;
  /** Discipline and penalties ("kỷ luật", "xử phạt"): answered only by a passage that names them. */
  readonly sanctions: Readonly<Record<Language, readonly string[]>>;
  /** Place names besides the documents' provinces ("Việt Nam"), as written: where, not what. */
  readonly places: readonly string[];
  /** Words that say where or who rather than what ("tỉnh", "UBND"), as written. */
  readonly genericWords: Readonly<Record<Language, readonly string[]>>;
  /** The documents' wording ("trước ngày") and question wordings that mean the same ("hạn"), as written. */
  readonly synonyms: Readonly<Record<Language, Readonly<Record<string, readonly string[]>>>>;
}

export function phraseTable(phrases: readonly Phrase[]): PhraseTable {
  const table = new Map<string, Phrase[]>();
  for (const phrase of phrases) {
    const first = phrase.words[0];
    if (first === undefined) continue;
    table.set(first, [...(table.get(first) ?? []), phrase]);
  }
  for (const list of table.values()) list.sort((a, b) => b.words.length - a.words.length);
  return table;
}

/** Three or more of one lower-case letter in a row: "khôngggg", "điiii". Upper case is left alone (roman "III"). */
const REPEATED = /(\p{Ll})\1{2,}/gu;

/** A word as typed, for the chat table: its written form, with letters typed over and over once. */
export const typedForm = (word: string): string => writtenForm(word.normalize('NFC').replace(REPEATED, '$1'));

const typedWords = (text: string): string[] => wordsOf(text).map(typedForm);

/** One value per supported language. */
export const perLanguage = <T>(make: (lng: Language) => T): Record<Language, T> =>
  Object.fromEntries(LANGUAGES.map((lng) => [lng, make(lng)])) as Record<Language, T>;

/** Builds the tables from a lexicon file that met `lexiconSchema`. */
export function compileLexicon(file: LexiconFile): Lexicon {
  const { personNames, provinces, setAside, questionTypes, answerCues, chat, chatFillers, abbreviations, documentTypes, stopWords, stopPhrases, domainTerms, bodies, posts, presentState, sanctions, places, genericWords, synonyms } =
    file;

  const types = new Map<string, string>();
  let documentTypeWords = 1;
  for (const [code, names] of Object.entries(documentTypes)) {
    const folded = foldedWords(code).join('');
    types.set(folded, folded);
    for (const name of names) {
      const words = foldedWords(name);
      documentTypeWords = Math.max(documentTypeWords, words.length);
      types.set(words.join(' '), folded);
    }
  }

  return {
    chat: phraseTable([
      ...Object.entries(chat).flatMap(([full, typed]) =>
        typed.map((short) => ({ words: typedWords(short), full: wordsOf(writtenForm(full)) })),
      ),
      ...chatFillers.map((filler) => ({ words: typedWords(filler), full: [] })),
    ]),
    abbreviations: phraseTable(
      Object.entries(abbreviations).flatMap(([full, shorts]) =>
        shorts.map((short) => ({ words: foldedWords(short), full: foldedWords(full) })),
      ),
    ),
    documentTypes: types,
    documentCodes: new Map(Object.keys(documentTypes).map((code) => [foldedWords(code).join(''), code])),
    documentTypeWords,
    stopWords: perLanguage((lng) => new Set(stopWords[lng].flatMap(foldedWords))),
    writtenStopWords: perLanguage((lng) => new Set(stopWords[lng].flatMap((w) => wordsOf(writtenForm(w))))),
    writtenStopPhraseWords: perLanguage((lng) => new Set(stopPhrases[lng].flatMap((p) => wordsOf(writtenForm(p))))),
    stopPhrases: perLanguage((lng) => phraseTable(stopPhrases[lng].map((p) => ({ words: foldedWords(p), full: [] })))),
    personNames,
    provinces,
    setAside,
    questionTypes,
    answerCues,
    domainTerms,
    bodies,
    posts,
    presentState,
    sanctions,
    places,
    genericWords,
    synonyms,
  };
}

export function loadLexicon(plansDir: string): Lexicon {
  const path = join(plansDir, LEXICON_FILE);
  return compileLexicon(loadDataFile(path, lexiconSchema).data);
}
