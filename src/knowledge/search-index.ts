/**
 * BM25F over passages, written here rather than taken from minisearch or flexsearch: the terms are our
 * own (folded syllables, syllable bigrams, document-number units), the answer decision asks "does
 * passage P contain term T" for the few best passages, and building 500 documents in well under a
 * second needs terms kept as numbers (a bigram is a pair of word ids, not a new string) and postings
 * in flat typed arrays. A library would tokenise for us, hide the postings and build ten times slower.
 */
import { pairs, type Analysis } from './analyse.js';

/** One passage as the index sees it: its text, and weighted context (headings, document details). */
export interface IndexInput {
  readonly text: Analysis;
  /** Shared by many passages: the same Analysis object is turned into terms only once. */
  readonly context: ReadonlyArray<{ readonly analysis: Analysis; readonly weight: number }>;
  /** Length for normalisation, in tokens. */
  readonly length: number;
}

export interface ScoredPassage {
  readonly passage: number;
  readonly score: number;
}

const K1 = 1.2;
const B = 0.75;

/** Ids for pairs of word ids, in one open-addressing table of typed arrays. */
class PairIds {
  private keys = new Int32Array(2 * 1024).fill(-1);
  private ids = new Int32Array(1024);
  private count = 0;

  private slot(a: number, b: number): number {
    const mask = this.ids.length - 1;
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
    while (this.keys[2 * i] !== -1 && (this.keys[2 * i] !== a || this.keys[2 * i + 1] !== b)) i = (i + 1) & mask;
    return i;
  }

  get(a: number, b: number): number | undefined {
    const i = this.slot(a, b);
    return this.keys[2 * i] === -1 ? undefined : this.ids[i];
  }

  set(a: number, b: number, id: number): void {
    if (2 * (this.count + 1) > this.ids.length) this.grow();
    const i = this.slot(a, b);
    if (this.keys[2 * i] === -1) this.count++;
    this.keys[2 * i] = a;
    this.keys[2 * i + 1] = b;
    this.ids[i] = id;
  }

  private grow(): void {
    const { keys, ids } = this;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.ids = new Int32Array(ids.length * 2);
    this.count = 0;
    for (let i = 0; i < ids.length; i++) {
      if (keys[2 * i] !== -1) this.set(keys[2 * i] as number, keys[2 * i + 1] as number, ids[i] as number);
    }
  }
}

/** Term ids: words, pairs of neighbouring words and document-number units each get their own. */
class Terms {
  private readonly words = new Map<string, number>();
  private readonly wordTerms: number[] = [];
  private readonly pairTerms = new PairIds();
  private readonly units = new Map<string, number>();
  size = 0;

  private word(token: string, create: boolean): number | undefined {
    let id = this.words.get(token);
    if (id === undefined && create) {
      id = this.words.size;
      this.words.set(token, id);
      this.wordTerms.push(-1);
    }
    return id;
  }

  private unigramOf(word: number, create: boolean): number | undefined {
    if ((this.wordTerms[word] as number) < 0 && create) this.wordTerms[word] = this.size++;
    const id = this.wordTerms[word] as number;
    return id < 0 ? undefined : id;
  }

  private bigramOf(a: number, b: number, create: boolean): number | undefined {
    let id = this.pairTerms.get(a, b);
    if (id === undefined && create) this.pairTerms.set(a, b, (id = this.size++));
    return id;
  }

  unit(unit: string, create: boolean): number | undefined {
    let id = this.units.get(unit);
    if (id === undefined && create) this.units.set(unit, (id = this.size++));
    return id;
  }

  /** The id of a term written as termsOf writes it: "word", "word word" or "#unit". */
  find(term: string): number | undefined {
    if (term.startsWith('#')) return this.unit(term, false);
    const space = term.indexOf(' ');
    if (space < 0) {
      const w = this.word(term, false);
      return w === undefined ? undefined : this.unigramOf(w, false);
    }
    const a = this.word(term.slice(0, space), false);
    const b = this.word(term.slice(space + 1), false);
    return a === undefined || b === undefined ? undefined : this.bigramOf(a, b, false);
  }

  /** Appends to `out` the id of every term of an analysed text, as often as it occurs. */
  collect(analysis: Analysis, out: number[]): void {
    const { tokens, content, units } = analysis;
    let next = tokens.length > 0 ? (this.word(tokens[0] as string, true) as number) : 0;
    for (let i = 0; i < tokens.length; i++) {
      const current = next;
      if (i + 1 < tokens.length) next = this.word(tokens[i + 1] as string, true) as number;
      if (content[i]) out.push(this.unigramOf(current, true) as number);
      if (pairs(analysis, i)) out.push(this.bigramOf(current, next, true) as number);
    }
    for (const unit of units) out.push(this.unit(unit, true) as number);
  }
}

/** Postings as they are found, passage by passage: three growable columns. */
class Found {
  term = new Int32Array(1 << 16);
  passage = new Int32Array(1 << 16);
  tf = new Float32Array(1 << 16);
  length = 0;

  push(term: number, passage: number, tf: number): void {
    if (this.length === this.term.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
        const bigger = make(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      this.term = grow(this.term, (n) => new Int32Array(n));
      this.passage = grow(this.passage, (n) => new Int32Array(n));
      this.tf = grow(this.tf, (n) => new Float32Array(n));
    }
    this.term[this.length] = term;
    this.passage[this.length] = passage;
    this.tf[this.length++] = tf;
  }
}

export class SearchIndex {
  private constructor(
    private readonly terms: Terms,
    /** Postings of term t: passages[start[t] .. start[t + 1]), ascending, with their weighted frequencies. */
    private readonly start: Int32Array,
    private readonly passages: Int32Array,
    private readonly tf: Float32Array,
    private readonly norm: Float32Array,
    readonly size: number,
  ) {}

  /**
   * Indexes `count` passages, asking for each in turn: a passage's analysis can be dropped as soon as
   * it is counted, which keeps building hundreds of documents out of the slow, old-generation heap.
   */
  static build(count: number, inputOf: (passage: number) => IndexInput): SearchIndex {
    const terms = new Terms();
    const lengths = new Float32Array(count);
    const found = new Found();
    // Weighted frequencies of the passage being indexed, by term id, and the ids it has touched.
    let weights = new Float64Array(1 << 16);
    const touched: number[] = [];
    const ids: number[] = [];
    const contextIds = new Map<Analysis, Int32Array>();

    const tally = (list: ArrayLike<number>, weight: number): void => {
      for (let i = 0; i < list.length; i++) {
        const id = list[i] as number;
        if (weights[id] === 0) touched.push(id);
        weights[id] = (weights[id] as number) + weight;
      }
    };

    for (let p = 0; p < count; p++) {
      const { text, context, length } = inputOf(p);
      lengths[p] = length;
      ids.length = 0;
      terms.collect(text, ids);
      const shared = context.map(({ analysis, weight }) => {
        let list = contextIds.get(analysis);
        if (!list) {
          const collected: number[] = [];
          terms.collect(analysis, collected);
          contextIds.set(analysis, (list = Int32Array.from(collected)));
        }
        return { list, weight };
      });
      if (terms.size > weights.length) {
        const bigger = new Float64Array(Math.max(terms.size, weights.length * 2));
        bigger.set(weights);
        weights = bigger;
      }
      tally(ids, 1);
      for (const { list, weight } of shared) tally(list, weight);
      for (const id of touched) {
        found.push(id, p, weights[id] as number);
        weights[id] = 0;
      }
      touched.length = 0;
    }

    const avgLength = lengths.reduce((sum, n) => sum + n, 0) / Math.max(count, 1) || 1;
    const norm = lengths.map((n) => K1 * (1 - B + (B * n) / avgLength));
    // Counting sort by term; it keeps each term's passages in the ascending order they were added in.
    const start = new Int32Array(terms.size + 1);
    const termOf = found.term.subarray(0, found.length);
    for (const t of termOf) (start[t + 1] as number)++;
    for (let t = 0; t < terms.size; t++) start[t + 1] = (start[t + 1] as number) + (start[t] as number);
    const next = start.slice(0, terms.size);
    const passages = new Int32Array(termOf.length);
    const tf = new Float32Array(termOf.length);
    const passageOf = found.passage;
    const tfOf = found.tf;
    for (let i = 0; i < termOf.length; i++) {
      const at = (next[termOf[i] as number] as number)++;
      passages[at] = passageOf[i] as number;
      tf[at] = tfOf[i] as number;
    }
    return new SearchIndex(terms, start, passages, tf, norm, count);
  }

  private frequency(id: number | undefined): number {
    return id === undefined ? 0 : (this.start[id + 1] as number) - (this.start[id] as number);
  }

  /** Inverse document frequency; a term the corpus never uses gets the highest value. */
  idf(term: string): number {
    const df = this.frequency(this.terms.find(term));
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.terms.find(term) !== undefined;
  }

  /** The ids of those of `terms` the index knows, for `containsId`. */
  ids(terms: Iterable<string>): Map<string, number> {
    const ids = new Map<string, number>();
    for (const term of terms) {
      const id = this.terms.find(term);
      if (id !== undefined) ids.set(term, id);
    }
    return ids;
  }

  /** Whether a passage contains the term with this id (binary search in the sorted postings). */
  containsId(passage: number, id: number): boolean {
    let lo = this.start[id] as number;
    let hi = (this.start[id + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const value = this.passages[mid] as number;
      if (value === passage) return true;
      if (value < passage) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The `limit` best passages for weighted query terms, best first. */
  top(query: ReadonlyMap<string, number>, limit: number): ScoredPassage[] {
    const scores = new Float64Array(this.size);
    const touched: number[] = [];
    for (const [term, weight] of query) {
      const id = this.terms.find(term);
      if (id === undefined) continue;
      const idf = this.idf(term) * weight;
      const end = this.start[id + 1] as number;
      for (let i = this.start[id] as number; i < end; i++) {
        const p = this.passages[i] as number;
        const f = this.tf[i] as number;
        const before = scores[p] as number;
        if (before === 0) touched.push(p);
        scores[p] = before + (idf * f * (K1 + 1)) / (f + (this.norm[p] as number));
      }
    }
    // Keep the best `limit` in a small sorted list: most passages never beat its last entry.
    const best: ScoredPassage[] = [];
    for (const passage of touched) {
      const score = scores[passage] as number;
      if (best.length === limit && score <= (best[limit - 1] as ScoredPassage).score) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1] as ScoredPassage).score < score) at--;
      best.splice(at, 0, { passage, score });
      if (best.length > limit) best.pop();
    }
    return best;
  }
}
