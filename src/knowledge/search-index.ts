/**
 * BM25F over passages, written here rather than taken from minisearch or flexsearch: the terms are our
 * own (folded syllables, syllable bigrams, document-number units) and the answer decision needs to ask
 * "does passage P contain term T" for the few best passages, which a small inverted index with sorted
 * postings answers by binary search. A library would tokenise for us, hide the postings and add a
 * dependency for about a hundred lines.
 */

/** One passage as the index sees it: its fields' terms, each field with its weight. */
export interface IndexInput {
  readonly fields: ReadonlyArray<{ readonly terms: readonly string[]; readonly weight: number }>;
  /** Length for normalisation: the number of terms of the main field. */
  readonly length: number;
}

export interface ScoredPassage {
  readonly passage: number;
  readonly score: number;
}

const K1 = 1.2;
const B = 0.75;

export class SearchIndex {
  private constructor(
    private readonly ids: ReadonlyMap<string, number>,
    private readonly postings: ReadonlyArray<{ passages: Int32Array; tf: Float32Array }>,
    private readonly norm: Float32Array,
    readonly size: number,
  ) {}

  static build(inputs: readonly IndexInput[]): SearchIndex {
    const ids = new Map<string, number>();
    const passages: number[][] = [];
    const tfs: number[][] = [];
    const avgLength = inputs.reduce((sum, d) => sum + d.length, 0) / Math.max(inputs.length, 1) || 1;
    const norm = new Float32Array(inputs.length);
    inputs.forEach((input, p) => {
      norm[p] = K1 * (1 - B + (B * input.length) / avgLength);
      const weighted = new Map<number, number>();
      for (const { terms, weight } of input.fields) {
        for (const term of terms) {
          let id = ids.get(term);
          if (id === undefined) {
            id = ids.size;
            ids.set(term, id);
            passages.push([]);
            tfs.push([]);
          }
          weighted.set(id, (weighted.get(id) ?? 0) + weight);
        }
      }
      // Passages are visited in order, so every posting list comes out sorted by passage.
      for (const [id, tf] of weighted) {
        (passages[id] as number[]).push(p);
        (tfs[id] as number[]).push(tf);
      }
    });
    const postings = passages.map((list, id) => ({
      passages: Int32Array.from(list),
      tf: Float32Array.from(tfs[id] as number[]),
    }));
    return new SearchIndex(ids, postings, norm, inputs.length);
  }

  /** Inverse document frequency; a term the corpus never uses gets the highest value. */
  idf(term: string): number {
    const df = this.postingsOf(term)?.passages.length ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.ids.has(term);
  }

  /** Whether a passage contains a term (binary search in the sorted postings). */
  contains(passage: number, term: string): boolean {
    const list = this.postingsOf(term)?.passages;
    if (!list) return false;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const value = list[mid] as number;
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
      const list = this.postingsOf(term);
      if (!list) continue;
      const idf = this.idf(term) * weight;
      const { passages, tf } = list;
      for (let i = 0; i < passages.length; i++) {
        const p = passages[i] as number;
        const f = tf[i] as number;
        const before = scores[p] as number;
        if (before === 0) touched.push(p);
        scores[p] = before + (idf * f * (K1 + 1)) / (f + (this.norm[p] as number));
      }
    }
    return touched
      .map((passage) => ({ passage, score: scores[passage] as number }))
      .sort((a, b) => b.score - a.score || a.passage - b.passage)
      .slice(0, limit);
  }

  private postingsOf(term: string): { passages: Int32Array; tf: Float32Array } | undefined {
    const id = this.ids.get(term);
    return id === undefined ? undefined : this.postings[id];
  }
}
