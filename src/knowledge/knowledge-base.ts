import { dataPaths } from '../core/paths.js';
import { createI18n, type I18n, type Language, type Translate } from '../i18n/index.js';
import { createAnalyser, phraseAt, type Analyse, type Analysis } from './analyse.js';
import { loadCorpus, type DocumentMeta, type PlanDocument } from './corpus.js';
import { excerpt } from './excerpt.js';
import { detectLanguage } from './language.js';
import { loadLexicon, perLanguage, phraseTable, type Lexicon, type Phrase } from './lexicon.js';
import { splitPassages, type Passage } from './passages.js';
import { buildQuery, hasContent, match, type Match, type Query } from './query.js';
import { SearchIndex } from './search-index.js';

/** One passage as the chat and `npm run ask` show it. */
export interface Source {
  /** File name in plans/. */
  readonly document: string;
  readonly title: string;
  readonly section: string;
  /** The whole passage, untrimmed. */
  readonly text: string;
  readonly score: number;
}

export interface Answer {
  /** False when nothing matched well enough: `answer` then says so and where to ask instead. */
  readonly answered: boolean;
  /** The chat text: the relevant sentences of the best passage and its citation, or the reason for not answering. */
  readonly answer: string;
  /** Nearest passages, best first. When `answered` is false they are what came closest, not an answer. */
  readonly sources: readonly Source[];
}

/** A passage that answers the question, with the chat text for it (excerpt and citation). */
export interface Hit extends Source {
  readonly reply: string;
}

export interface SearchPage {
  /** How many passages answer the question well enough, over all pages. */
  readonly total: number;
  readonly hits: readonly Hit[];
}

export interface SearchOptions {
  readonly offset?: number;
  readonly limit?: number;
  /** Language of the wording around passages; by default the question's own. */
  readonly lang?: Language;
}

export interface KnowledgeBase {
  /** The answer to one question, in `lang` (by default the question's own language). */
  answer(question: string, lang?: Language): Answer;
  /** The passages that answer a question, best first: page through them for "more passages". */
  search(question: string, options?: SearchOptions): SearchPage;
  readonly documents: readonly PlanDocument[];
}

/** Longer input is cut here: no question needs more, and it keeps the work per question bounded. */
export const QUESTION_MAX = 500;
/**
 * Share of the question's content words (see `match`) a passage must account for to be given as an
 * answer: 0.6, or 0.3 when both name the programme's own subject (lexicon domainTerms), since a question
 * about "khuyến học" worded differently from the plans is still about the plans. Set between what we
 * measured on the dev questions, our own and a further 60 we only looked at: answerable questions
 * scored 0.63-1 without a domain term and 0.4-1 with one; off-topic ones scored 0-0.5, named no domain
 * term, and the few above (a hospital in Sơn La, civil-service recruitment) are named in passing by the
 * plans, which no threshold on wording can tell apart.
 */
export const MIN_COVERAGE = { any: 0.6, onTopic: 0.3 } as const;

const isAnswer = ({ share, onTopic }: Match): boolean =>
  share >= MIN_COVERAGE.any || (onTopic && share >= MIN_COVERAGE.onTopic);
const CANDIDATES = 50;
/**
 * A question that names a province, or the number of one of our documents, is not answered by another
 * province's plan or another document, whatever the wording: their passages count half.
 */
const ELSEWHERE = 0.5;
const SOURCES_SHOWN = 5;
/** Weights of a passage's context against its own text (1). */
const FIELD_WEIGHT = { headings: 0.5, document: 0.3 } as const;

interface Entry {
  readonly doc: PlanDocument;
  readonly passage: Passage;
}

interface Shelf {
  readonly index: SearchIndex;
  readonly entries: readonly Entry[];
}

interface Ranked {
  readonly entry: Entry;
  readonly score: number;
  readonly match: Match;
}

function truncate(question: string): { text: string; truncated: boolean } {
  const clean = question.normalize('NFC').trim();
  if (clean.length <= QUESTION_MAX) return { text: clean, truncated: false };
  const cut = clean.slice(0, QUESTION_MAX);
  const space = cut.lastIndexOf(' ');
  return { text: space > QUESTION_MAX / 2 ? cut.slice(0, space) : cut, truncated: true };
}

/** Citation dates: 04/10/2019 in Vietnamese, 4 October 2019 in English. Formatters are costly to make. */
const DATE_FORMAT = perLanguage(
  (lang) =>
    new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
      day: lang === 'vi' ? '2-digit' : 'numeric',
      month: lang === 'vi' ? '2-digit' : 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }),
);

const formatDate = (iso: string, lang: Language): string => DATE_FORMAT[lang].format(new Date(`${iso}T00:00:00Z`));

function citation(meta: DocumentMeta, section: string, t: Translate, lang: Language): string {
  return t('qa.cite', {
    title: meta.title,
    number: meta.number ? t('qa.cite_number', { number: meta.number }) : '',
    date: meta.date ? t('qa.cite_date', { date: formatDate(meta.date, lang) }) : '',
    section: section ? t('qa.cite_section', { section }) : '',
  });
}

function buildShelf(documents: readonly PlanDocument[], analyse: Analyse, lang: Language): Shelf {
  const entries: Entry[] = documents.flatMap((doc) => splitPassages(doc.body).map((passage) => ({ doc, passage })));
  const groups = new Map(documents.map((doc, group) => [doc, group]));
  // A passage's heading line, the headings above it and its document's details are shared with other
  // passages (the same string, array or document): the index reads each once. Only the heading's length
  // is needed for every passage.
  const headingLengths = new Map<string, number>();
  const index = SearchIndex.build(entries.length, (p) => {
    const { doc, passage } = entries[p] as Entry;
    const { heading, headings } = passage;
    let headingWords: Analysis | undefined;
    let headingLength = headingLengths.get(heading);
    if (headingLength === undefined) {
      headingWords = analyse(heading, lang);
      headingLengths.set(heading, (headingLength = headingWords.tokens.length));
    }
    const own = analyse(passage.body, lang);
    const { title, number, province, issuer } = doc.meta;
    return {
      text: own,
      context: [
        { key: heading, analyse: () => headingWords ?? analyse(heading, lang), weight: 1 },
        { key: headings, analyse: () => analyse(headings.join('\n'), lang), weight: FIELD_WEIGHT.headings },
      ],
      length: own.tokens.length + headingLength,
      group: groups.get(doc) as number,
      groupContext: [
        { key: doc, analyse: () => analyse([title, number, province, issuer].join('\n'), lang), weight: FIELD_WEIGHT.document },
      ],
    };
  });
  return { index, entries };
}

/** Builds the knowledge base from documents already read; `loadKnowledgeBase` reads them from plans/. */
export function createKnowledgeBase(documents: readonly PlanDocument[], lexicon: Lexicon, i18n: I18n): KnowledgeBase {
  const analyse = createAnalyser(lexicon);
  const shelves = perLanguage((lang) =>
    buildShelf(
      documents.filter((doc) => doc.meta.lang === lang),
      analyse,
      lang,
    ),
  );

  const knows = perLanguage((lang) => (word: string): boolean => {
    const { tokens } = analyse(word, lang);
    return tokens.length > 0 && tokens.every((t) => lexicon.stopWords[lang].has(t) || shelves[lang].index.has(t));
  });

  /** A phrase analysed like the questions it is looked for in. */
  const phrase = (lang: Language, text: string, full: readonly string[] = []): Phrase => ({
    words: analyse(text, lang).tokens,
    full,
  });
  const domainTerms = perLanguage((lang) => phraseTable(lexicon.domainTerms[lang].map((term) => phrase(lang, term))));
  const provinceNames = [...new Set(documents.map((d) => d.meta.province).filter(Boolean))];
  const provinces = perLanguage((lang) => phraseTable(provinceNames.map((name) => phrase(lang, name, [name]))));
  const ownNumbers = new Map(documents.map((d) => [d, new Set(analyse(d.meta.number, d.meta.lang).units)]));

  /** Which documents a question confines itself to; undefined when it names no province or document of ours. */
  function scopeOf(query: Query): ((doc: PlanDocument) => boolean) | undefined {
    const { tokens, units } = query.analysis;
    const named = new Set(tokens.flatMap((_, i) => phraseAt(provinces[query.lang], tokens, i)?.full ?? []));
    const numbered = documents.filter((d) => units.some((u) => ownNumbers.get(d)?.has(u)));
    if (named.size === 0 && numbered.length === 0) return undefined;
    return (doc) =>
      (named.size === 0 || doc.meta.province === '' || named.has(doc.meta.province)) &&
      (numbered.length === 0 || numbered.includes(doc));
  }

  function rank(text: string): { query: Query; ranked: Ranked[] } {
    const lang = detectLanguage(text, knows);
    const query = buildQuery(analyse(text, lang), lang, domainTerms[lang]);
    const { index, entries } = shelves[lang];
    const inScope = scopeOf(query);
    const ids = index.ids(query.terms.keys());
    const ranked = hasContent(query)
      ? index
          .top(query.terms, CANDIDATES)
          .map(({ passage, score }) => {
            const entry = entries[passage] as Entry;
            const contains = (term: string): boolean => {
              const id = ids.get(term);
              return id !== undefined && index.containsId(passage, id);
            };
            const found = match(contains, (term) => index.idf(term), query);
            // Among passages that score alike, the one that accounts for more of the question wins.
            const weight = (0.5 + found.share) * (inScope && !inScope(entry.doc) ? ELSEWHERE : 1);
            return { entry, score: score * weight, match: found };
          })
          .sort((a, b) => b.score - a.score)
      : [];
    return { query, ranked };
  }

  const toSource = ({ entry, score }: Ranked): Source => ({
    document: entry.doc.file,
    title: entry.doc.meta.title,
    section: entry.passage.section,
    text: entry.passage.text,
    score: Math.round(score * 1000) / 1000,
  });

  function reply(r: Ranked, query: Query, lang: Language): string {
    const t = i18n.for(lang);
    const { index } = shelves[query.lang];
    const ctx = { idf: (term: string) => index.idf(term), analyse, lang: query.lang };
    return t('qa.answer', {
      excerpt: excerpt(r.entry.passage, query, ctx),
      citation: citation(r.entry.doc.meta, r.entry.passage.section, t, lang),
    });
  }

  return {
    documents,

    answer(question, lang) {
      const { text, truncated } = truncate(question);
      const { query, ranked } = rank(text);
      const t = i18n.for(lang ?? query.lang);
      const sources = ranked.slice(0, SOURCES_SHOWN).map(toSource);
      const best = ranked[0];
      if (!hasContent(query)) return { answered: false, answer: t('qa.empty'), sources };
      if (!best || !isAnswer(best.match)) return { answered: false, answer: t('qa.unknown'), sources };
      const body = reply(best, query, lang ?? query.lang);
      return { answered: true, answer: truncated ? `${t('qa.truncated')}\n${body}` : body, sources };
    },

    search(question, options = {}) {
      const { query, ranked } = rank(truncate(question).text);
      const relevant = ranked.filter((r) => isAnswer(r.match));
      const offset = Math.max(0, options.offset ?? 0);
      const limit = Math.max(0, options.limit ?? 3);
      const lang = options.lang ?? query.lang;
      return {
        total: relevant.length,
        hits: relevant.slice(offset, offset + limit).map((r) => ({ ...toSource(r), reply: reply(r, query, lang) })),
      };
    },
  };
}

export interface LoadOptions {
  /** The plans folder; by default the project's plans/. */
  readonly plansDir?: string;
  /** The catalogues for the wording; by default the project's locales. */
  readonly i18n?: I18n;
}

/** Reads plans/ (documents, metadata, lexicon) and indexes it. Throws `file: problem` on bad metadata. */
export function loadKnowledgeBase(options: LoadOptions = {}): KnowledgeBase {
  const dir = options.plansDir ?? dataPaths.plans;
  return createKnowledgeBase(loadCorpus(dir), loadLexicon(dir), options.i18n ?? createI18n());
}
