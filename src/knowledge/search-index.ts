/**
 * BM25F over passages, written here rather than taken from minisearch or flexsearch: the terms are our
 * own (folded syllables, syllable bigrams, document-number units), the answer decision asks "does
 * passage P contain term T" for the few best passages, a document's details must count for each of its
 * passages without being stored for each, and building 500 documents in about a second needs terms kept
 * as numbers (a bigram is a pair of word ids, not a new string) and postings in flat typed arrays. A
 * library would tokenise for us, hide the postings and spend its time on strings.
 */
import { pairs, type Analysis } from './analyse.js';

/** Context shared by many passages, analysed only the first time its key is seen. */
export interface SharedField {
  readonly key: unknown;
  readonly analyse: () => Analysis;
  readonly weight: number;
}

/**
 * One passage as the index sees it: its own text, weighted context (its headings, say) and the group
 * it belongs to (its document), whose context (the document's details) counts for each of its passages.
 */
export interface IndexInput {
  readonly text: Analysis;
  readonly context: readonly SharedField[];
  /** Length for normalisation, in tokens. */
  readonly length: number;
  /** Groups are numbered from 0 and their passages come one after another. */
  readonly group: number;
  /** Read once, with the group's first passage. */
  readonly groupContext: readonly SharedField[];
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

  /**
   * Ids of terms already looked up by `find`: matching asks for the same few terms once per candidate
   * passage. Only terms the index has are kept, so questions cannot grow it beyond the vocabulary.
   */
  private readonly found = new Map<string, number>();

  /** The id of a term written as termsOf writes it: "word", "word word" or "#unit". */
  find(term: string): number | undefined {
    let id = this.found.get(term);
    if (id === undefined) {
      id = this.lookUp(term);
      if (id !== undefined) this.found.set(term, id);
    }
    return id;
  }

  private lookUp(term: string): number | undefined {
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

/** Postings as they are found, owner by owner (passage or group): three growable columns. */
class Found {
  term = new Int32Array(1 << 16);
  owner = new Int32Array(1 << 16);
  tf = new Float32Array(1 << 16);
  length = 0;

  push(term: number, owner: number, tf: number): void {
    if (this.length === this.term.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
        const bigger = make(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      this.term = grow(this.term, (n) => new Int32Array(n));
      this.owner = grow(this.owner, (n) => new Int32Array(n));
      this.tf = grow(this.tf, (n) => new Float32Array(n));
    }
    this.term[this.length] = term;
    this.owner[this.length] = owner;
    this.tf[this.length++] = tf;
  }

  /**
   * The postings sorted by term (a counting sort, which keeps each term's owners in the ascending order
   * they were added in): owners of term t are owners[start[t] .. start[t + 1]).
   */
  sorted(terms: number): Postings {
    const start = new Int32Array(terms + 1);
    const termOf = this.term.subarray(0, this.length);
    for (const t of termOf) (start[t + 1] as number)++;
    for (let t = 0; t < terms; t++) start[t + 1] = (start[t + 1] as number) + (start[t] as number);
    const next = start.slice(0, terms);
    const owners = new Int32Array(this.length);
    const tf = new Float32Array(this.length);
    for (let i = 0; i < this.length; i++) {
      const at = (next[termOf[i] as number] as number)++;
      owners[at] = this.owner[i] as number;
      tf[at] = this.tf[i] as number;
    }
    return new Postings(start, owners, tf);
  }
}

/** Weighted term frequencies by term, then by owner. */
class Postings {
  constructor(
    readonly start: Int32Array,
    readonly owners: Int32Array,
    readonly tf: Float32Array,
  ) {}

  /** Position of an owner in term t's postings, or -1 (binary search). */
  find(t: number, owner: number): number {
    if (t + 1 >= this.start.length) return -1;
    let lo = this.start[t] as number;
    let hi = (this.start[t + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const value = this.owners[mid] as number;
      if (value === owner) return mid;
      if (value < owner) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

export class SearchIndex {
  private constructor(
    private readonly terms: Terms,
    private readonly passages: Postings,
    private readonly groups: Postings,
    private readonly groupOf: Int32Array,
    /** Passages of group g: groupStart[g] .. groupStart[g + 1]. */
    private readonly groupStart: Int32Array,
    /** Passages each term occurs in, in any field. */
    private readonly df: Int32Array,
    private readonly norm: Float32Array,
    readonly size: number,
  ) {
    this.scratch = {
      scores: new Float64Array(size),
      touched: new Int32Array(size),
      seen: new Uint8Array(size),
      groupTf: new Float64Array(groupStart.length - 1),
    };
  }

  /**
   * Working space of `top`, left zeroed after each call: allocating it per question costs more than
   * scoring on a large corpus, and questions are answered one at a time.
   */
  private readonly scratch: {
    readonly scores: Float64Array;
    readonly touched: Int32Array;
    readonly seen: Uint8Array;
    readonly groupTf: Float64Array;
  };

  /**
   * Indexes `count` passages, asking for each in turn: a passage's analysis can be dropped as soon as
   * it is counted, which keeps building hundreds of documents out of the slow, old-generation heap.
   * A group's context is indexed once for the group rather than once per passage (BM25F still adds it
   * to each passage's frequencies when scoring), which saves about a third of the postings.
   */
  static build(count: number, inputOf: (passage: number) => IndexInput): SearchIndex {
    const terms = new Terms();
    const lengths = new Float32Array(count);
    const groupOf = new Int32Array(count);
    const groupStarts: number[] = [];
    const passageFound = new Found();
    const groupFound = new Found();
    // Weighted frequencies of what is being indexed, by term id, and the ids it has touched.
    let weights = new Float64Array(1 << 16);
    const touched: number[] = [];
    const ids: number[] = [];
    // Term ids of shared context by key: its analysis is dropped as soon as it is counted.
    const contextIds = new Map<unknown, Int32Array>();

    const idsOf = ({ key, analyse }: SharedField): Int32Array => {
      let list = contextIds.get(key);
      if (!list) {
        const collected: number[] = [];
        terms.collect(analyse(), collected);
        contextIds.set(key, (list = Int32Array.from(collected)));
      }
      return list;
    };
    const tally = (list: ArrayLike<number>, weight: number): void => {
      if (terms.size > weights.length) {
        const bigger = new Float64Array(Math.max(terms.size, weights.length * 2));
        bigger.set(weights);
        weights = bigger;
      }
      for (let i = 0; i < list.length; i++) {
        const id = list[i] as number;
        if (weights[id] === 0) touched.push(id);
        weights[id] = (weights[id] as number) + weight;
      }
    };
    const flush = (found: Found, owner: number): void => {
      for (const id of touched) {
        found.push(id, owner, weights[id] as number);
        weights[id] = 0;
      }
      touched.length = 0;
    };

    for (let p = 0; p < count; p++) {
      const { text, context, length, group, groupContext } = inputOf(p);
      if (group === groupStarts.length) {
        groupStarts.push(p);
        for (const field of groupContext) tally(idsOf(field), field.weight);
        flush(groupFound, group);
      } else if (group !== groupStarts.length - 1) {
        throw new Error(`passage ${p}: group ${group} does not follow on from group ${groupStarts.length - 1}`);
      }
      groupOf[p] = group;
      lengths[p] = length;
      ids.length = 0;
      terms.collect(text, ids);
      tally(ids, 1);
      for (const field of context) tally(idsOf(field), field.weight);
      flush(passageFound, p);
    }

    const avgLength = lengths.reduce((sum, n) => sum + n, 0) / Math.max(count, 1) || 1;
    const norm = lengths.map((n) => K1 * (1 - B + (B * n) / avgLength));
    const groupStart = Int32Array.from([...groupStarts, count]);
    const passages = passageFound.sorted(terms.size);
    const groups = groupFound.sorted(terms.size);

    // A term is in a passage when it is in the passage's own fields or in its group's context.
    const df = new Int32Array(terms.size);
    const inGroup = new Uint8Array(groupStarts.length);
    for (let t = 0; t < terms.size; t++) {
      let n = 0;
      for (let i = groups.start[t] as number; i < (groups.start[t + 1] as number); i++) {
        const g = groups.owners[i] as number;
        inGroup[g] = 1;
        n += (groupStart[g + 1] as number) - (groupStart[g] as number);
      }
      for (let i = passages.start[t] as number; i < (passages.start[t + 1] as number); i++) {
        if (inGroup[groupOf[passages.owners[i] as number] as number] === 0) n++;
      }
      for (let i = groups.start[t] as number; i < (groups.start[t + 1] as number); i++) inGroup[groups.owners[i] as number] = 0;
      df[t] = n;
    }
    return new SearchIndex(terms, passages, groups, groupOf, groupStart, df, norm, count);
  }

  /** Inverse document frequency; a term the corpus never uses gets the highest value. */
  idf(term: string): number {
    const id = this.terms.find(term);
    const df = id === undefined ? 0 : (this.df[id] as number);
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** How many passages use a term in their own fields, leaving out their group's context. */
  ownFrequency(term: string): number {
    const id = this.terms.find(term);
    return id === undefined ? 0 : (this.passages.start[id + 1] as number) - (this.passages.start[id] as number);
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

  /** Whether a passage, or its group's context, contains the term with this id. */
  containsId(passage: number, id: number): boolean {
    return this.ownsId(passage, id) || this.groups.find(id, this.groupOf[passage] as number) >= 0;
  }

  /** Whether a passage's own fields contain the term with this id. */
  ownsId(passage: number, id: number): boolean {
    return this.passages.find(id, passage) >= 0;
  }

  /** The `limit` best passages for weighted query terms, best first. */
  top(query: ReadonlyMap<string, number>, limit: number): ScoredPassage[] {
    const { scores, touched, seen, groupTf } = this.scratch;
    const { norm, groupOf, groupStart, passages, groups } = this;
    // Scoring loops are written out with locals only: they run tens of thousands of times per question
    // on a large corpus, where a helper closure and field reads per passage cost a quarter of an answer.
    let count = 0;
    for (const [term, weight] of query) {
      const id = this.terms.find(term);
      if (id === undefined) continue;
      const idf = this.idf(term) * weight;
      const groupsFrom = groups.start[id] as number;
      const groupsTo = groups.start[id + 1] as number;
      for (let i = groupsFrom; i < groupsTo; i++) groupTf[groups.owners[i] as number] = groups.tf[i] as number;
      const from = passages.start[id] as number;
      const end = passages.start[id + 1] as number;
      for (let i = from; i < end; i++) {
        const p = passages.owners[i] as number;
        seen[p] = 1;
        const f = (passages.tf[i] as number) + (groupTf[groupOf[p] as number] as number);
        const before = scores[p] as number;
        if (before === 0) touched[count++] = p;
        scores[p] = before + (idf * f * (K1 + 1)) / (f + (norm[p] as number));
      }
      // Passages that have the term only through their group's context.
      for (let i = groupsFrom; i < groupsTo; i++) {
        const g = groups.owners[i] as number;
        const f = groupTf[g] as number;
        const gain = idf * f * (K1 + 1);
        const last = groupStart[g + 1] as number;
        for (let p = groupStart[g] as number; p < last; p++) {
          if (seen[p] !== 0) continue;
          const before = scores[p] as number;
          if (before === 0) touched[count++] = p;
          scores[p] = before + gain / (f + (norm[p] as number));
        }
        groupTf[g] = 0;
      }
      for (let i = from; i < end; i++) seen[passages.owners[i] as number] = 0;
    }
    // Keep the best `limit` in a small sorted list: most passages never beat its last entry.
    const best: ScoredPassage[] = [];
    for (let i = 0; i < count; i++) {
      const passage = touched[i] as number;
      const score = scores[passage] as number;
      scores[passage] = 0;
      if (best.length === limit && score <= (best[limit - 1] as ScoredPassage).score) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1] as ScoredPassage).score < score) at--;
      best.splice(at, 0, { passage, score });
      if (best.length > limit) best.pop();
    }
    return best;
  }
}
