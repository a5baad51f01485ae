import { statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadDataFile, type PathKey } from '../core/data-file.js';
import { foldVietnamese } from '../core/fold.js';
import { dataPaths } from '../core/paths.js';

export interface AreaNode {
  id: string;
  name: string;
  /** "province", "commune", or whatever level the data gives: the tree is data, not a fixed hierarchy. */
  kind: string;
  /** The official code: 2 digits for a province, 5 for a commune (Ministry of Home Affairs / GSO list). */
  code?: string;
  population?: number;
  /** The year the population figure is from; required with it. */
  populationYear?: number;
  children?: AreaNode[];
}

const areaNodeSchema: z.ZodType<AreaNode> = z.lazy(() =>
  z
    .object({
      id: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'lower-case letters, digits, "-" and "."'),
      name: z.string().min(1),
      kind: z.string().min(1),
      code: z.string().regex(/^(\d{2}|\d{5})$/, '2 digits for a province, 5 for a commune').optional(),
      population: z.number().int().positive().optional(),
      populationYear: z.number().int().min(1900).max(2100).optional(),
      children: z.array(areaNodeSchema).optional(),
    })
    .strict()
    .refine((a) => (a.population === undefined) === (a.populationYear === undefined), {
      message: 'population and populationYear go together',
      path: ['populationYear'],
    }),
);

export const areasFileSchema = z.object({ source: z.string().optional(), areas: z.array(areaNodeSchema).min(1) }).strict();

export interface Area {
  id: string;
  name: string;
  kind: string;
  code?: string;
  population?: number;
  populationYear?: number;
  parent?: string;
  /** Its name and its ancestors', for display: "Phường Tô Hiệu, Tỉnh Sơn La". */
  fullName: string;
}

const KIND_WORDS = /^(tinh|thanh pho|xa|phuong|dac khu|thi tran)\s+/;

/**
 * Words people put before a name to say what it is ("p chieng an", "xa tan lap", "tp hue"): they narrow
 * the search to names that start with that kind word instead of being matched as part of a name.
 */
const TYPED_KINDS: readonly (readonly [RegExp, string])[] = [
  [/^(p\.?|phuong)\s+/, 'phuong'],
  [/^(x\.?|xa)\s+/, 'xa'],
  [/^(dk|dac khu)\s+/, 'dac khu'],
  [/^(t\.?|tinh)\s+/, 'tinh'],
  [/^(tp\.?|thanh pho)\s+/, 'thanh pho'],
];

/** A name as people type it: folded, without the kind word ("Phường Chiềng An" → "chieng an"). */
export function bareName(name: string): string {
  return foldVietnamese(name).replace(KIND_WORDS, '');
}

/** The id part made from a name: "Phường Chiềng An" → "chieng-an", "Xã Ea H'Leo" → "ea-hleo". */
export function areaSlug(name: string): string {
  return bareName(name)
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** What the search compares, worked out once at load: 3,400 areas are searched on every typed answer. */
interface Indexed {
  area: Area;
  /** The folded name with its kind word: "phuong chieng an". */
  folded: string;
  /** Without it: "chieng an". */
  bare: string;
  bareWords: readonly string[];
  /** The folded kind word, "" when the name has none. */
  kindWord: string;
  /** Position in Vietnamese alphabetical order of the name, then of the full name. */
  order: number;
}

const collator = new Intl.Collator('vi');

/** Maps already read in this process, by file, modification time and size. */
const loaded = new Map<string, Areas>();

/** A match and how good it is: 0 the whole name, 1 its start, 2 whole words, 3 parts of words. */
function rank(a: Indexed, words: readonly string[], phrase: string): number | undefined {
  if (!words.every((w) => a.bare.includes(w))) return undefined;
  if (a.bare === phrase) return 0;
  if (a.bare.startsWith(phrase)) return 1;
  return words.every((w) => a.bareWords.includes(w)) ? 2 : 3;
}

/** The administrative map: since 1 July 2025, provinces and their communes (xã, phường, đặc khu). */
export class Areas {
  private readonly byId = new Map<string, Indexed>();
  private readonly childrenOf = new Map<string, Area[]>();
  private readonly rootList: Area[] = [];

  constructor(roots: AreaNode[]) {
    const all: Indexed[] = [];
    const walk = (node: AreaNode, parent?: Area): void => {
      if (this.byId.has(node.id)) throw new Error(`area id "${node.id}" appears twice`);
      const area: Area = Object.freeze({
        id: node.id,
        name: node.name,
        kind: node.kind,
        ...(node.code !== undefined ? { code: node.code } : {}),
        ...(node.population !== undefined ? { population: node.population, populationYear: node.populationYear } : {}),
        ...(parent ? { parent: parent.id } : {}),
        fullName: parent ? `${node.name}, ${parent.fullName}` : node.name,
      });
      const folded = foldVietnamese(node.name);
      const bare = folded.replace(KIND_WORDS, '');
      const indexed = { area, folded, bare, bareWords: bare.split(' '), kindWord: folded.slice(0, folded.length - bare.length).trim(), order: 0 };
      this.byId.set(node.id, indexed);
      all.push(indexed);
      if (parent) this.childrenOf.set(parent.id, [...(this.childrenOf.get(parent.id) ?? []), area]);
      else this.rootList.push(area);
      for (const child of node.children ?? []) walk(child, area);
    };
    for (const root of roots) walk(root);
    all.sort((x, y) => collator.compare(x.area.name, y.area.name) || collator.compare(x.area.fullName, y.area.fullName));
    all.forEach((a, i) => (a.order = i));
  }

  static load(file = join(dataPaths.data, 'areas.yaml')): Areas {
    // The map is read-only: every app in a process (tests, the command line) shares one read of an unchanged file.
    const { mtimeMs, size } = statSync(file, { throwIfNoEntry: false }) ?? {};
    const key = `${file}:${mtimeMs}:${size}`;
    const known = loaded.get(key);
    if (known) return known;
    const { data } = loadDataFile(file, areasFileSchema, {
      check: (areas, add) => {
        const seen = new Set<string>();
        const walk = (node: AreaNode, path: PathKey[]): void => {
          if (seen.has(node.id)) add([...path, 'id'], `"${node.id}" appears twice`);
          seen.add(node.id);
          node.children?.forEach((c, i) => walk(c, [...path, 'children', i]));
        };
        areas.areas.forEach((a, i) => walk(a, ['areas', i]));
      },
    });
    const areas = new Areas(data.areas);
    if (mtimeMs !== undefined) loaded.set(key, areas);
    return areas;
  }

  get(id: string): Area | undefined {
    return this.byId.get(id)?.area;
  }

  roots(): Area[] {
    return [...this.rootList];
  }

  children(id: string): Area[] {
    return [...(this.childrenOf.get(id) ?? [])];
  }

  /** `id` and the areas above it, nearest first: a commune, then its province (an id not on the map is there alone). */
  lineage(id: string): string[] {
    const out: string[] = [];
    for (let cur: string | undefined = id; cur; cur = this.byId.get(cur)?.area.parent) out.push(cur);
    return out;
  }

  /** True when `id` is `ancestor` or lies inside it. */
  isWithin(id: string, ancestor: string): boolean {
    return this.lineage(id).includes(ancestor);
  }

  /** Every area inside `id`, itself included. */
  subtree(id: string): Area[] {
    const self = this.get(id);
    if (!self) return [];
    return [self, ...this.children(id).flatMap((c) => this.subtree(c.id))];
  }

  /**
   * Areas whose name contains the typed words, with or without diacritics ("to hieu" finds
   * "Phường Tô Hiệu"); a leading kind word or its short form ("p", "xa") keeps to that kind. The
   * whole name comes first, then names that start with the words, then whole words, then parts of words.
   */
  search(text: string, opts: { within?: string; kind?: string; limit?: number } = {}): Area[] {
    let typed = foldVietnamese(text);
    let kindWord: string | undefined;
    for (const [short, word] of TYPED_KINDS) {
      const rest = typed.replace(short, '');
      if (rest !== typed && rest) {
        [typed, kindWord] = [rest, word];
        break;
      }
    }
    const words = typed.split(' ').filter(Boolean);
    if (!words.length) return [];
    const scope = opts.within ? this.subtree(opts.within).map((a) => this.byId.get(a.id) as Indexed) : this.byId.values();
    const hits: { a: Indexed; rank: number }[] = [];
    for (const a of scope) {
      if (opts.kind && a.area.kind !== opts.kind) continue;
      if (kindWord && a.kindWord !== kindWord) continue;
      const r = rank(a, words, typed);
      if (r !== undefined) hits.push({ a, rank: r });
    }
    hits.sort((x, y) => x.rank - y.rank || x.a.order - y.a.order);
    return hits.slice(0, opts.limit ?? 10).map((h) => h.a.area);
  }
}
