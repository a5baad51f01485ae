import { dataPaths } from '../core/paths.js';
import { createI18n, type I18n, type Language, type Translate } from '../i18n/index.js';
import { createAnalyser, joinedPairs, phraseAt, unitNumber, type Analyse, type Analysis } from './analyse.js';
import { loadCorpus, type DocumentMeta, type PlanDocument } from './corpus.js';
import { kindOf, shortCitation } from './citation.js';
import { excerpt } from './excerpt.js';
import { detectLanguage } from './language.js';
import { decide, loadDecisionModel, type Decision, type DecisionModel } from './decision.js';
import {
  CUED_TYPES,
  loadLexicon,
  perLanguage,
  phraseTable,
  QUESTION_TYPES,
  type CuedType,
  type QuestionType,
  type Lexicon,
  type Phrase,
  type PhraseTable,
} from './lexicon.js';
import { datesOf, factsOf, type CueTables, type PassageFacts } from './passage-facts.js';
import { inVietnamese, loadGlossary, type Glossary } from './glossary.js';
import { personFinder } from './person.js';
import { setAsider } from './set-aside.js';
import { weigh, type SignalInput } from './signals.js';
import { headingTitle, splitPassages, type Passage } from './passages.js';
import {
  buildQuery,
  hasContent,
  match,
  type MatchSources,
  type Query,
  type TermStats,
  type Vocabulary,
} from './query.js';
import { SearchIndex, type SharedField } from './search-index.js';

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

/** What decided an answer, for people reading `npm run ask -- --jsonl`. */
export interface Why {
  readonly language: Language;
  /** What the question asks for (lexicon questionTypes), "none" for a yes/no or a statement. */
  readonly type: QuestionType | 'none';
  /** How much of the question's content words the first passage accounts for, weighted by rarity. */
  readonly coverage: number;
  /** How many telling terms it matches (see `match`). */
  readonly telling: number;
  /** The first passage's score over the second's. */
  readonly margin: number | null;
  /** The ranking signals that fired for the first passage (signals.ts). */
  readonly signals: readonly string[];
  /** The rule that declined ("elsewhere", "no-sum-of-money", …) or "model", with the model's score. */
  readonly decision: string;
  readonly score?: number;
  /** Where the answer came from when not from a passage found for the question as asked. */
  readonly via?: string;
}

export interface Answer {
  /** False when nothing matched well enough: `answer` then says so and where to ask instead. */
  readonly answered: boolean;
  /** What decided. */
  readonly why?: Why;
  /** The chat text: the relevant sentences of the best passage and its citation, or the reason for not answering. */
  readonly answer: string;
  /** Nearest passages, best first. When `answered` is false they are what came closest, not an answer. */
  readonly sources: readonly Source[];
}

/** A passage that answers the question, with the chat text for it (excerpt and citation). */
export interface Hit extends Source {
  readonly reply: string;
  /** The whole passage with its document's title and full heading path, for "Xem toàn văn". */
  readonly full: string;
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
  /** The first `limit` candidate passages with what the decision made of each: for fitting the decision. */
  explain(question: string, limit: number): { source: Source; decision: Decision }[];
  readonly documents: readonly PlanDocument[];
}

/** Longer input is cut here: no question needs more, and it keeps the work per question bounded. */
export const QUESTION_MAX = 500;

/**
 * A term in more than this share of the passages (and in more than COMMON.min of them, so that a small
 * corpus such as the English notes keeps its words) tells nothing about which passage answers.
 */
const COMMON = { share: 0.15, min: 10 } as const;
/** How much of a heading's wording a question must have for the heading to name what it asks. */
const HEADING_NAMED = 0.75;
/**
 * Passages of the BM25F top that are weighed in full. Beyond 30 the weighing changes nothing in the top
 * three for all but one of the 407 test questions, and the weighing is most of an answer's time.
 */
const CANDIDATES = 30;
const SOURCES_SHOWN = 5;
/** Weights of a passage's context against its own text (1). */
const FIELD_WEIGHT = { headings: 0.5, document: 0.3 } as const;

interface Entry {
  readonly doc: PlanDocument;
  readonly passage: Passage;
  readonly facts: PassageFacts;
}

interface Shelf {
  readonly index: SearchIndex;
  readonly entries: readonly Entry[];
}

/** What one question makes of the headings it meets, kept for its other candidate passages. */
interface HeadingMemo {
  /** Whether a heading names what the question asks, by heading. */
  readonly named: Map<string, boolean>;
  /** The question's terms, to match a heading's wording against. */
  readonly asked: MatchSources;
}

interface Ranked {
  readonly entry: Entry;
  readonly score: number;
  /** Whether the passage answers the question, and what decided (see decision.ts). */
  readonly decision: Decision;
  readonly answers: boolean;
  readonly share: number;
  readonly telling: number;
  /** The ranking signals that fired (signals.ts). */
  readonly signals: readonly string[];
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


const DIGITS = /^\d+$/;

/** Whether `found` has every one of `wanted`. */
function hasAll(found: ReadonlySet<string> | null, wanted: ReadonlySet<string>): boolean {
  for (const value of wanted) if (!found?.has(value)) return false;
  return true;
}

function buildShelf(documents: readonly PlanDocument[], analyse: Analyse, lang: Language, cues: CueTables): Shelf {
  const parts = documents.flatMap((doc) =>
    splitPassages(doc.body).map((passage, i, all) => ({ doc, passage, first: i === 0 || all[i - 1]?.section !== passage.section })),
  );
  // Filled while indexing: a passage's facts are found from the analysis the index makes of it.
  const entries: Entry[] = new Array<Entry>(parts.length);
  const groups = new Map(documents.map((doc, group) => [doc, group]));
  // A passage's heading line, the headings above it and its document's details are shared with other
  // passages (the same string, array or document): the index reads each once, and each gets one field
  // here, made the first time it is met. Only the heading's length is needed for every passage.
  const headingFields = new Map<string, { field: SharedField; length: number; words: Analysis }>();
  const headingsFields = new Map<readonly string[], SharedField>();
  const documentFields = new Map<PlanDocument, readonly SharedField[]>();
  function headingField(heading: string): { field: SharedField; length: number; words: Analysis } {
    let found = headingFields.get(heading);
    if (!found) {
      const words = analyse(heading, lang);
      found = { field: { key: heading, analyse: () => words, weight: 1 }, length: words.tokens.length, words };
      headingFields.set(heading, found);
    }
    return found;
  }
  function headingsField(headings: readonly string[]): SharedField {
    let field = headingsFields.get(headings);
    if (!field) {
      field = { key: headings, analyse: () => analyse(headings.join('\n'), lang), weight: FIELD_WEIGHT.headings };
      headingsFields.set(headings, field);
    }
    return field;
  }
  function documentField(doc: PlanDocument): readonly SharedField[] {
    let fields = documentFields.get(doc);
    if (!fields) {
      const { title, number, province, issuer } = doc.meta;
      const text = [title, number, province, issuer].join('\n');
      documentFields.set(doc, (fields = [{ key: doc, analyse: () => analyse(text, lang), weight: FIELD_WEIGHT.document }]));
    }
    return fields;
  }
  const index = SearchIndex.build(parts.length, (p) => {
    const { doc, passage, first } = parts[p] as (typeof parts)[number];
    const heading = headingField(passage.heading);
    const own = analyse(passage.body, lang);
    entries[p] = { doc, passage, facts: factsOf(passage.text, first, [heading.words, own], analyse, lang, cues) };
    return {
      text: own,
      context: [heading.field, headingsField(passage.headings)],
      length: own.tokens.length + heading.length,
      group: groups.get(doc) as number,
      groupContext: documentField(doc),
    };
  });
  return { index, entries };
}

/** Builds the knowledge base from documents already read; `loadKnowledgeBase` reads them from plans/. */
export function createKnowledgeBase(
  documents: readonly PlanDocument[],
  lexicon: Lexicon,
  i18n: I18n,
  model: DecisionModel = loadDecisionModel(dataPaths.plans),
  glossary: Glossary = loadGlossary(dataPaths.plans),
): KnowledgeBase {
  const analyse = createAnalyser(lexicon);
  /** A phrase analysed like the questions it is looked for in. */
  const phrase = (lang: Language, text: string, full: readonly string[] = []): Phrase => ({
    words: analyse(text, lang).tokens,
    full,
  });
  const cueTables = perLanguage(
    (lang): CueTables =>
      Object.fromEntries(CUED_TYPES.map((type) => [type, phraseTable(lexicon.answerCues[type].map((cue) => phrase(lang, cue)))])) as Record<
        CuedType,
        PhraseTable
      >,
  );
  const shelves = perLanguage((lang) =>
    buildShelf(
      documents.filter((doc) => doc.meta.lang === lang),
      analyse,
      lang,
      cueTables[lang],
    ),
  );

  const knows = perLanguage((lang) => (word: string): boolean => {
    const { tokens } = analyse(word, lang);
    return tokens.length > 0 && tokens.every((t) => lexicon.stopWords[lang].has(t) || shelves[lang].index.has(t));
  });

  const provinceNames = [...new Set(documents.map((d) => d.meta.province).filter(Boolean))];
  const provinces = perLanguage((lang) => phraseTable(provinceNames.map((name) => phrase(lang, name, [name]))));
  /** Provinces no document is about, by name as the lexicon writes it. */
  const covered = new Set(provinceNames.map((name) => analyse(name, 'vi').tokens.join(' ')));
  const otherProvinces = perLanguage((lang) =>
    phraseTable(
      lexicon.provinces
        .map((name) => phrase(lang, name, [name]))
        .filter((p) => !covered.has(p.words.join(' '))),
    ),
  );
  /** English wordings (analysed as English) with the Vietnamese of each. */
  const english = phraseTable(Object.entries(glossary.en).map(([en, vi]) => phrase('en', en, [vi])));
  /** An English question in the plans' Vietnamese (see `inVietnamese`), or nothing when the glossary knows none of it. */
  function translated(question: string): { text: string; unknown: string[] } | undefined {
    const { tokens, content } = analyse(question, 'en');
    const found: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < tokens.length; ) {
      const p = phraseAt(english, tokens, i);
      if (p) found.push(p.full[0] as string);
      else if (content[i] && !DIGITS.test(tokens[i] as string)) unknown.push(tokens[i] as string);
      i += p ? p.words.length : 1;
    }
    return found.length > 0 ? { text: inVietnamese(question, found), unknown } : undefined;
  }

  /** The first province the question names that no document is about. */
  const otherProvinceIn = (query: Query): string | undefined => {
    const { tokens } = query.analysis;
    for (let i = 0; i < tokens.length; i++) {
      const found = phraseAt(otherProvinces[query.lang], tokens, i);
      if (found) return found.full[0];
    }
    return undefined;
  };
  const vocabulary = perLanguage(
    (lang): Vocabulary => ({
      domainTerms: phraseTable(lexicon.domainTerms[lang].map((term) => phrase(lang, term))),
      bodies: phraseTable(
        Object.entries(lexicon.bodies[lang]).flatMap(([name, others]) => {
          const full = analyse(name, lang).tokens;
          return [name, ...others].map((words) => phrase(lang, words, full));
        }),
      ),
      posts: phraseTable(lexicon.posts[lang].map((post) => phrase(lang, post))),
      presentState: phraseTable(lexicon.presentState[lang].map((words) => phrase(lang, words))),
      sanctions: phraseTable(lexicon.sanctions[lang].map((words) => phrase(lang, words))),
      places: phraseTable([...provinceNames, ...lexicon.provinces, ...lexicon.places].map((name) => phrase(lang, name))),
      genericWords: phraseTable(lexicon.genericWords[lang].map((word) => phrase(lang, word))),
      synonyms: phraseTable(
        Object.entries(lexicon.synonyms[lang]).flatMap(([wording, asked]) =>
          asked.map((words) => phrase(lang, words, analyse(wording, lang).tokens)),
        ),
      ),
      questionTypes: phraseTable(
        QUESTION_TYPES.flatMap((type) => lexicon.questionTypes[type].map((words) => phrase(lang, words, [type]))),
      ),
    }),
  );
  const stats = perLanguage((lang): TermStats => {
    const { index } = shelves[lang];
    const common = Math.max(COMMON.share * index.size, COMMON.min);
    return { idf: (term) => index.idf(term), common: (term) => index.ownFrequency(term) > common, known: (term) => index.has(term) };
  });
  /** Heading lines read as questions, and their terms with the pairs of words they join. */
  const headingQueries = perLanguage(() => new Map<string, { query: Query; terms: ReadonlySet<string> }>());
  function headingOf(heading: string, lang: Language): { query: Query; terms: ReadonlySet<string> } {
    let found = headingQueries[lang].get(heading);
    if (!found) {
      const analysis = analyse(headingTitle(heading), lang);
      const query = buildQuery(analysis, lang, vocabulary[lang]);
      headingQueries[lang].set(heading, (found = { query, terms: new Set([...query.terms.keys(), ...joinedPairs(analysis, lang)]) }));
    }
    return found;
  }
  /**
   * The terms of a passage's heading and the headings above it, for matching a question against them
   * (places aside). Kept with the passage, predicate and all: every question weighs it again.
   */
  const paths = new WeakMap<Entry, MatchSources>();
  function pathOf(entry: Entry, lang: Language): MatchSources {
    let sources = paths.get(entry);
    if (!sources) {
      const { heading, headings } = entry.passage;
      const terms = new Set([heading, ...headings].flatMap((h) => [...headingOf(h, lang).terms]));
      paths.set(entry, (sources = { contains: (term) => terms.has(term), placesAside: true }));
    }
    return sources;
  }
  /** Every term counts the same: how much of a heading's wording a question has, word for word. */
  const flat = perLanguage((lang): TermStats => ({ ...stats[lang], idf: () => 1 }));
  /**
   * How well a passage's headings say what the question asks. `fit` is 0 unless they account for all of
   * it (places aside); then 0.25, plus three quarters of the share of its own heading line that the
   * question accounts for, so "Công dân học tập là gì?" fits "công dân học tập là gì" better than "Mục
   * tiêu cả nước về Công dân học tập" does, and "Sở Giáo dục và Đào tạo … có nhiệm vụ gì" fits the section
   * "Sở Giáo dục và Đào tạo" better than a paragraph "a) Sở Giáo dục và Đào tạo chủ trì, phối hợp …". `names` says that one of those headings is what the question asks: the question
   * has at least HEADING_NAMED of its words, and more than a bare number ("Mục tiêu đến năm 2025" for
   * "Mục tiêu đến năm 2025 của Sơn La"; not "Ủy ban nhân dân các huyện, thành phố" for "Sơn La có bao
   * nhiêu huyện").
   */
  function headingFit(entry: Entry, query: Query, { named, asked }: HeadingMemo): { fit: number; names: boolean } {
    const { heading, headings } = entry.passage;
    if (!heading) return { fit: 0, names: false };
    const { lang } = query;
    if (match(stats[lang], query, pathOf(entry, lang)).share < 1) return { fit: 0, names: false };
    const fit = 0.25 + 0.75 * match(stats[lang], headingOf(heading, lang).query, asked).share;
    const { tokens, content } = query.analysis;
    let names = false;
    if (tokens.some((t, i) => content[i] && !query.place[i] && !query.generic[i] && !DIGITS.test(t))) {
      for (const h of [heading, ...headings]) {
        let yes = named.get(h);
        if (yes === undefined) named.set(h, (yes = match(flat[lang], headingOf(h, lang).query, asked).share >= HEADING_NAMED));
        if ((names = yes)) break;
      }
      // A short question asks for one thing of a heading that names several ("minh chứng" of "Chu kỳ xét
      // và minh chứng"): the heading line has all it asks, something telling among it. Not a body's
      // heading: "Ban Dân tộc tỉnh" names the body, not "dân tộc".
      const line = headingOf(heading, lang);
      if (!names && line.query.bodies.length === 0) {
        const own = line.terms;
        const found = match(stats[lang], query, { contains: (term) => own.has(term), placesAside: true });
        names = found.share === 1 && found.telling >= 1;
      }
    }
    return { fit, names };
  }

  const ownNumbers = new Map(documents.map((d) => [d, new Set(analyse(d.meta.number, d.meta.lang).units)]));

  /** A document's period as the years it spans ("2016-2020": "2016", "2020"), when it has one. */
  const periods = new Map(documents.map((d) => [d, d.meta.period.match(/\d{4}/g) ?? []]));

  /**
   * The documents a question names: by number ("kế hoạch 2042", "QĐ 2547"), or by the years of their
   * period ("giai đoạn 2016-2020").
   */
  function namedDocuments(query: Query): PlanDocument[] {
    const { tokens, units } = query.analysis;
    const byNumber = documents.filter((d) => units.some((u) => ownNumbers.get(d)?.has(u)));
    if (byNumber.length > 0) return byNumber;
    const years = new Set(tokens.filter((t) => /^(19|20)\d\d$/.test(t)));
    return documents.filter((d) => {
      const span = periods.get(d) ?? [];
      return span.length === 2 && span.every((y) => years.has(y));
    });
  }

  /**
   * Where a document stands to a question (see SignalInput.scope): another province's plan than the one
   * the question names, or another document than the one it names, is elsewhere; a document about no
   * province, when the question names one, is province-less.
   */
  function scopeOf(query: Query): (doc: PlanDocument) => SignalInput['scope'] {
    const { tokens } = query.analysis;
    const named = new Set(tokens.flatMap((_, i) => phraseAt(provinces[query.lang], tokens, i)?.full ?? []));
    const numbered = namedDocuments(query);
    return (doc) => {
      if (numbered.length > 0 && !numbered.includes(doc)) return 'elsewhere';
      if (named.size === 0) return 'named';
      if (doc.meta.province === '') return numbered.includes(doc) ? 'named' : 'provinceLess';
      return named.has(doc.meta.province) ? 'named' : 'elsewhere';
    };
  }

  /** "2019-10-04" as datesOf writes it: "4-10-2019". */
  const ownDates = new Map(
    documents.map((d) => [d, d.meta.date ? d.meta.date.split('-').map(Number).reverse().join('-') : undefined]),
  );
  /** Whether a passage gives the date of a document the question names by number. */
  function issuedOf(query: Query): ((entry: Entry) => boolean) | undefined {
    const { units } = query.analysis;
    if (units.length === 0) return undefined;
    const named = documents.filter((d) => units.some((u) => ownNumbers.get(d)?.has(u)));
    const numbers = [...new Set(units.map(unitNumber))];
    const dateAfter = new RegExp(`(?<![\\d/.])(${numbers.join('|')})(?!\\d)[^\\n.;]{0,30}?\\bngày\\s+\\d`, 'iu');
    return (entry) => {
      const own = named.includes(entry.doc) ? ownDates.get(entry.doc) : undefined;
      return (own !== undefined && (entry.facts.dates?.has(own) ?? false)) || dateAfter.test(entry.passage.text);
    };
  }

  const namesPerson = personFinder(lexicon.personNames);
  /** Words that name a document in what a question sets aside: a type of document, a level, a number. */
  const documentWords = new Set([...lexicon.documentTypes.keys()].flatMap((name) => name.split(' ')).concat(['cap', 'level', 'giai', 'doan', 'plan']));
  const namesDocument = (words: readonly string[]): boolean => words.some((w) => DIGITS.test(w) || documentWords.has(w));
  const setAside = setAsider(lexicon.setAside, namesDocument);

  function rank(question: string, language?: Language): { query: Query; ranked: Ranked[] } {
    const text = setAside(question);
    const lang = language ?? detectLanguage(text, knows);
    const query = buildQuery(analyse(text, lang), lang, vocabulary[lang]);
    const { index, entries } = shelves[lang];
    const scope = scopeOf(query);
    // Numbers the question gives by themselves (a year, "15 tuổi"), not as part of a document number.
    const { tokens, content, units } = query.analysis;
    const inUnits = new Set(units.map(unitNumber));
    const numbers = tokens.filter((t, i) => content[i] && DIGITS.test(t) && !inUnits.has(t));
    const ids = index.ids(query.terms.keys());
    const asked = datesOf(text);
    const issued = query.when ? issuedOf(query) : undefined;
    const headings: HeadingMemo = { named: new Map(), asked: { contains: (term) => query.terms.has(term) } };
    const ranked = hasContent(query)
      ? index
          .top(query.terms, CANDIDATES)
          .map(({ passage, score }) => {
            const entry = entries[passage] as Entry;
            const contains = (term: string): boolean => {
              const id = ids.get(term);
              return id !== undefined && index.containsId(passage, id);
            };
            const owns = (term: string): boolean => {
              const id = ids.get(term);
              return id !== undefined && index.ownsId(passage, id);
            };
            const { facts } = entry;
            const found = match(stats[lang], query, { contains, owns, joins: (term) => facts.joined.has(term) });
            const fit = headingFit(entry, query, headings);
            const count = query.counted !== undefined && (facts.counts?.has(query.counted) ?? false);
            const date = asked !== undefined && hasAll(facts.dates, asked);
            // A passage without a number the question gives ("đến 2030" is not answered by the 2025
            // targets) stands like another province's plan.
            const ownScope = scope(entry.doc);
            const docScope = numbers.every(owns) ? ownScope : 'elsewhere';
            const { factor, fired } = weigh({
              query,
              facts,
              match: found,
              headingFit: fit.fit,
              date,
              issued: issued?.(entry) ?? false,
              scope: docScope,
            });
            const decision = decide(model, {
              query,
              facts,
              match: found,
              heading: fit.names,
              count,
              date,
              elsewhere: ownScope === 'elsewhere',
              provinceLess: ownScope === 'provinceLess',
              sanctionNamed: query.sanctions.every((terms) => terms.every(owns)),
            });
            return {
              entry,
              score: score * (0.5 + found.share) * factor,
              decision,
              answers: decision.answers,
              share: found.share,
              telling: found.telling,
              signals: fired,
            };
          })
          // Passages that answer come first: the chat shows the first, and the best-scoring one may not answer.
          .sort((a, b) => Number(b.answers) - Number(a.answers) || b.score - a.score)
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

  function whyOf(query: Query, ranked: readonly Ranked[]): Why {
    const [best, second] = ranked;
    return {
      language: query.lang,
      type: query.type ?? 'none',
      coverage: Math.round((best?.share ?? 0) * 1000) / 1000,
      telling: best?.telling ?? 0,
      margin: best && second && second.score > 0 ? Math.round((best.score / second.score) * 1000) / 1000 : null,
      signals: best?.signals ?? [],
      decision: best?.decision.by ?? 'nothing-found',
      ...(best?.decision.score !== undefined && { score: best.decision.score }),
    };
  }

  const kindCode = (meta: DocumentMeta): string | undefined => {
    const code = kindOf(meta.title, lexicon.documentTypes, lexicon.documentTypeWords);
    return code === undefined ? undefined : lexicon.documentCodes.get(code);
  };
  const citationOf = (entry: Entry, t: Translate, lang: Language): string => {
    const kind = kindCode(entry.doc.meta);
    return shortCitation({ meta: entry.doc.meta, section: entry.passage.section, ...(kind && { kind }) }, t, formatDate, lang);
  };

  function reply(r: Ranked, query: Query, lang: Language): string {
    const t = i18n.for(lang);
    const { index } = shelves[query.lang];
    const ctx = { idf: (term: string) => index.idf(term), analyse, lang: query.lang };
    return t('qa.answer', { excerpt: excerpt(r.entry.passage, query, ctx), citation: citationOf(r.entry, t, lang) });
  }

  /** A passage whole, for "Xem toàn văn": its full heading path, the text and the citation. */
  function fullText(r: Ranked, lang: Language): string {
    const t = i18n.for(lang);
    const { meta } = r.entry.doc;
    return t('qa.full', { title: meta.title, section: r.entry.passage.section, text: r.entry.passage.text, citation: citationOf(r.entry, t, lang) });
  }

  /**
   * The passages for a question as asked; for an English question the English notes do not answer, those
   * of the Vietnamese plans found through the glossary (`quoted`).
   */
  function choose(text: string): { asked: { query: Query }; query: Query; ranked: Ranked[]; quoted: boolean } {
    const asked = rank(text);
    // Also when the English notes, which are about no province, answer a question that names a province's
    // plan or a document: that plan answers it better.
    const best = asked.ranked[0];
    const elsewhere = best?.signals.includes('provinceLess') || best?.signals.includes('elsewhere');
    const vietnamese = asked.query.lang === 'en' && (!best?.answers || elsewhere) ? translated(text) : undefined;
    // Only a question the glossary reads whole: a word it does not know ("motorbike") may be what it asks.
    const glossed = vietnamese !== undefined && vietnamese.unknown.length === 0 ? rank(vietnamese.text, 'vi') : undefined;
    if (glossed?.ranked[0]?.answers) return { asked, ...glossed, quoted: true };
    return { asked, ...asked, quoted: false };
  }

  return {
    documents,

    answer(question, lang) {
      const { text, truncated } = truncate(question);
      const { asked, query, ranked, quoted } = choose(text);
      const t = i18n.for(lang ?? asked.query.lang);
      const sources = ranked.slice(0, SOURCES_SHOWN).map(toSource);
      const best = ranked[0];
      const why = whyOf(query, ranked);
      if (!hasContent(query)) return { answered: false, answer: t('qa.empty'), sources, why: { ...why, decision: 'empty' } };
      if (namesPerson(text)) {
        return { answered: false, answer: t('qa.personal'), sources, why: { ...why, decision: 'named-person' } };
      }
      const elsewhere = otherProvinceIn(query);
      if (elsewhere !== undefined) {
        const answer = t('qa.other_province', { province: elsewhere, provinces: provinceNames.join(', ') });
        return { answered: false, answer, sources, why: { ...why, decision: 'other-province' } };
      }
      if (!best?.answers) return { answered: false, answer: t('qa.unknown'), sources, why };
      const body = reply(best, query, lang ?? asked.query.lang);
      const notes = [truncated ? t('qa.truncated') : '', quoted ? t('qa.quoted_in_vietnamese') : ''].filter(Boolean);
      return {
        answered: true,
        answer: [...notes, body].join('\n'),
        sources,
        why: quoted ? { ...why, via: 'glossary' } : why,
      };
    },

    explain(question, limit) {
      return rank(truncate(question).text)
        .ranked.slice(0, limit)
        .map((r) => ({ source: toSource(r), decision: r.decision }));
    },

    search(question, options = {}) {
      const { asked, query, ranked } = choose(truncate(question).text);
      const relevant = ranked.filter((r) => r.answers);
      const offset = Math.max(0, options.offset ?? 0);
      const limit = Math.max(0, options.limit ?? 3);
      const lang = options.lang ?? asked.query.lang;
      return {
        total: relevant.length,
        hits: relevant.slice(offset, offset + limit).map((r) => ({ ...toSource(r), reply: reply(r, query, lang), full: fullText(r, lang) })),
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
