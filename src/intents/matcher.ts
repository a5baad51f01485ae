import type { Language } from '../i18n/index.js';
import { bigram, pairs, phraseAt, type Analyse } from '../knowledge/analyse.js';
import { phraseTable, type PhraseTable } from '../knowledge/lexicon.js';
import { wordsOf } from '../knowledge/words.js';

/** One request and its example wordings; `group` is the flow it leads into, so that its parts do not compete. */
export interface IntentExamples<T> {
  readonly intent: T;
  readonly group: string;
  /** The flow's own entry (not one of its parts): taken when two of its parts fit alike. */
  readonly plain: boolean;
  readonly examples: Readonly<Record<Language, readonly string[]>>;
}

export interface MatchOptions {
  /** The least similarity (0-1) to an example for a text to be taken as that request. */
  readonly min: number;
  /** How far ahead of every other flow's request the best one must be. */
  readonly margin: number;
  /** The weight of a stop word ("cho", "tôi", "my") against a content word. */
  readonly stopWeight: number;
  /** The weight of a word of the programme's subject ("công dân học tập"): questions name it as often as requests. */
  readonly domainWeight: number;
  /** How much of the score is the share of the text that the request's examples use at all, rather than the fit to the nearest one. */
  readonly coverage: number;
  /** The weight of a question word ("là gì", "khi nào"): a stop word for search, but what sets a question apart from a request. */
  readonly askWeight: number;
}

/** Phrases, as written, that weigh differently from other words (plans/lexicon.yaml domainTerms and stopPhrases). */
export interface IntentVocabulary {
  readonly domainTerms: Readonly<Record<Language, readonly string[]>>;
  readonly askPhrases: Readonly<Record<Language, readonly string[]>>;
}

/**
 * Set on half of test/fixtures/intents-dev.jsonl against the plan questions of the Q&A dev sets; the
 * other half and the questions are checked with them in test/intents (README, "Typed requests").
 */
export const DEFAULT_MATCH: MatchOptions = { min: 0.55, margin: 0.05, stopWeight: 0.2, domainWeight: 0.2, askWeight: 1.5, coverage: 0.5 };

export interface IntentMatch<T> {
  readonly intent: T;
  readonly score: number;
  /** The best score of another flow's request. */
  readonly runnerUp: number;
}

/** Terms with their weights: the words of a text (stop words too: "không nhận tin" is not "nhận tin") and neighbour pairs. */
type Bag = Map<string, number>;
/** Per term, what kind of word it is, as a factor of its weight. */
type Terms = Map<string, number>;

interface Example<T> {
  readonly entry: IntentExamples<T>;
  readonly lang: Language;
  readonly bag: Bag;
  readonly total: number;
}

/**
 * Tells which request a typed text is, by its similarity to each request's examples, both analysed as
 * the Q&A analyses questions (folding, short forms expanded, stop words known). A term counts by how few
 * requests use it, so "dữ liệu" tells more than "của tôi"; a word no example has counts fully against the
 * match, which keeps a question that merely mentions "hồ sơ" or "tin nhắn" for Q&A.
 */
export class IntentMatcher<T> {
  private readonly examples: Example<T>[] = [];
  private readonly idf = new Map<string, number>();
  private readonly unseen: number;
  private readonly plainOf = new Map<string, IntentExamples<T>>();
  /** A request is a few words: a text much longer than every example is a question (and is not weighed). */
  private readonly maxWords: number;
  /** Per request, every term its examples use, with the least weight any gives it. */
  private readonly vocabularies = new Map<IntentExamples<T>, Bag>();
  private readonly domain: Record<Language, PhraseTable>;
  private readonly asking: Record<Language, PhraseTable>;

  constructor(
    entries: readonly IntentExamples<T>[],
    private readonly analyse: Analyse,
    vocabulary: IntentVocabulary,
    private readonly options: MatchOptions = DEFAULT_MATCH,
  ) {
    const table = (phrases: Readonly<Record<Language, readonly string[]>>) =>
      ({
        vi: phraseTable(phrases.vi.map((p) => ({ words: analyse(p, 'vi').tokens, full: [] }))),
        en: phraseTable(phrases.en.map((p) => ({ words: analyse(p, 'en').tokens, full: [] }))),
      }) satisfies Record<Language, PhraseTable>;
    this.domain = table(vocabulary.domainTerms);
    this.asking = table(vocabulary.askPhrases);
    const raw = entries.flatMap((entry) =>
      (Object.keys(entry.examples) as Language[]).flatMap((lang) => entry.examples[lang].map((text) => ({ entry, lang, terms: this.terms(text, lang) }))),
    );
    const users = new Map<string, Set<T>>();
    for (const { entry, terms } of raw)
      for (const term of terms.keys()) users.set(term, (users.get(term) ?? new Set()).add(entry.intent));
    for (const entry of entries) if (entry.plain) this.plainOf.set(entry.group, entry);
    this.maxWords = 2 * Math.max(...entries.flatMap((e) => [...e.examples.vi, ...e.examples.en].map((x) => wordsOf(x).length)));
    const n = entries.length;
    for (const [term, by] of users) this.idf.set(term, Math.log(1 + n / by.size));
    this.unseen = Math.log(1 + 2 * n);
    for (const { entry, lang, terms } of raw) {
      const bag = this.weigh(terms);
      this.examples.push({ entry, lang, bag, total: sum(bag) });
      const words = this.vocabularies.get(entry) ?? new Map<string, number>();
      for (const [term, weight] of bag) words.set(term, Math.min(words.get(term) ?? Infinity, weight));
      this.vocabularies.set(entry, words);
    }
  }

  /** The request the text is, when one stands out clearly enough; otherwise undefined (a question for Q&A). */
  match(text: string): IntentMatch<T> | undefined {
    if (wordsOf(text).length > this.maxWords) return undefined;
    const bags = new Map<Language, { bag: Bag; total: number }>();
    const bagIn = (lang: Language) => {
      let found = bags.get(lang);
      if (!found) {
        const bag = this.weigh(this.terms(text, lang));
        bags.set(lang, (found = { bag, total: sum(bag) }));
      }
      return found;
    };
    const best = new Map<IntentExamples<T>, number>();
    for (const ex of this.examples) {
      const input = bagIn(ex.lang);
      if (input.total === 0) return undefined;
      let shared = 0;
      for (const [term, weight] of input.bag) {
        const theirs = ex.bag.get(term);
        if (theirs !== undefined) shared += Math.min(weight, theirs);
      }
      const score = (2 * shared) / (input.total + ex.total);
      if (score > (best.get(ex.entry) ?? 0)) best.set(ex.entry, score);
    }
    const share = this.options.coverage;
    for (const [entry, fit] of best) {
      let covered = 0;
      let total = 0;
      for (const lang of bags.keys()) {
        const input = bagIn(lang);
        const words = this.vocabularies.get(entry) as Bag;
        let mine = 0;
        for (const [term, weight] of input.bag) {
          const theirs = words.get(term);
          if (theirs !== undefined) mine += Math.min(weight, theirs);
        }
        // The language in which the text is best covered.
        if (mine / input.total > covered / (total || 1)) [covered, total] = [mine, input.total];
      }
      best.set(entry, (1 - share) * fit + share * (total ? covered / total : 0));
    }
    const ranked = [...best].sort((a, b) => b[1] - a[1]);
    const [top] = ranked;
    if (!top || top[1] < this.options.min) return undefined;
    const runnerUp = ranked.find(([e]) => e.group !== top[0].group)?.[1] ?? 0;
    if (top[1] - runnerUp < this.options.margin) return undefined;
    // Two parts of one flow alike ("hồ sơ của tôi": progress or submit?): the flow's own entry decides.
    const sameFlow = ranked.find(([e]) => e !== top[0] && e.group === top[0].group);
    const plain = this.plainOf.get(top[0].group);
    const chosen = sameFlow && top[1] - sameFlow[1] < this.options.margin && plain ? plain : top[0];
    return { intent: chosen.intent, score: top[1], runnerUp };
  }

  /** Each token, and each pair of neighbours, with the factor of the kind of word it is. */
  private terms(text: string, lang: Language): Terms {
    const analysis = this.analyse(text, lang);
    const { tokens, content } = analysis;
    const factor = tokens.map((_, i) => (content[i] ? 1 : this.options.stopWeight));
    const mark = (table: PhraseTable, weight: number) => {
      for (let i = 0; i < tokens.length; i++) {
        const phrase = phraseAt(table, tokens, i);
        if (!phrase) continue;
        for (let k = 0; k < phrase.words.length; k++) factor[i + k] = weight;
        i += phrase.words.length - 1;
      }
    };
    mark(this.domain[lang], this.options.domainWeight);
    mark(this.asking[lang], this.options.askWeight);
    const out: Terms = new Map();
    const put = (term: string, f: number) => out.set(term, Math.max(out.get(term) ?? 0, f));
    for (let i = 0; i < tokens.length; i++) {
      put(tokens[i] as string, factor[i] as number);
      // Neighbours pair as in search ("nhận tin", not "a learning"), weighing as the more telling of the two.
      if (pairs(analysis, i)) put(bigram(tokens[i] as string, tokens[i + 1] as string), Math.max(factor[i] as number, factor[i + 1] as number));
    }
    return out;
  }

  private weigh(terms: Terms): Bag {
    const bag: Bag = new Map();
    for (const [term, factor] of terms) bag.set(term, (this.idf.get(term) ?? this.unseen) * factor);
    return bag;
  }
}

const sum = (bag: Bag): number => {
  let total = 0;
  for (const w of bag.values()) total += w;
  return total;
};
