import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
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
  population?: number;
  parent?: string;
  /** Its name and its ancestors', for display: "Phường Tô Hiệu, Tỉnh Sơn La". */
  fullName: string;
}

const KIND_WORDS = /^(tinh|thanh pho|xa|phuong|dac khu|thi tran)\s+/;

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

/** The administrative map: since 1 July 2025, provinces and their communes (xã, phường, đặc khu). */
export class Areas {
  private readonly byId = new Map<string, Area & { folded: string }>();
  private readonly childrenOf = new Map<string, string[]>();

  constructor(roots: AreaNode[]) {
    const walk = (node: AreaNode, parent?: Area): void => {
      if (this.byId.has(node.id)) throw new Error(`area id "${node.id}" appears twice`);
      const area: Area = {
        id: node.id,
        name: node.name,
        kind: node.kind,
        population: node.population,
        parent: parent?.id,
        fullName: parent ? `${node.name}, ${parent.fullName}` : node.name,
      };
      this.byId.set(node.id, { ...area, folded: foldVietnamese(node.name) });
      if (parent) this.childrenOf.set(parent.id, [...(this.childrenOf.get(parent.id) ?? []), node.id]);
      for (const child of node.children ?? []) walk(child, area);
    };
    for (const root of roots) walk(root);
  }

  static load(file = join(dataPaths.data, 'areas.yaml')): Areas {
    const parsed = areasFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    return new Areas(parsed.data.areas);
  }

  get(id: string): Area | undefined {
    const a = this.byId.get(id);
    if (!a) return undefined;
    const { folded: _folded, ...area } = a;
    return area;
  }

  roots(): Area[] {
    return [...this.byId.values()].filter((a) => !a.parent).map((a) => this.get(a.id) as Area);
  }

  children(id: string): Area[] {
    return (this.childrenOf.get(id) ?? []).map((c) => this.get(c) as Area);
  }

  /** True when `id` is `ancestor` or lies inside it. */
  isWithin(id: string, ancestor: string): boolean {
    for (let cur: string | undefined = id; cur; cur = this.byId.get(cur)?.parent) if (cur === ancestor) return true;
    return false;
  }

  /** Every area inside `id`, itself included. */
  subtree(id: string): Area[] {
    const self = this.get(id);
    if (!self) return [];
    return [self, ...this.children(id).flatMap((c) => this.subtree(c.id))];
  }

  /**
   * Areas whose name contains the typed words, with or without diacritics ("to hieu" finds
   * "Phường Tô Hiệu"); names that start with the words come first.
   */
  search(text: string, opts: { within?: string; kind?: string; limit?: number } = {}): Area[] {
    const words = foldVietnamese(text).split(' ').filter(Boolean);
    if (!words.length) return [];
    const hits: { area: Area; rank: number }[] = [];
    for (const a of this.byId.values()) {
      if (opts.kind && a.kind !== opts.kind) continue;
      if (opts.within && !this.isWithin(a.id, opts.within)) continue;
      if (!words.every((w) => a.folded.includes(w))) continue;
      const bare = a.folded.replace(/^(tinh|thanh pho|xa|phuong|dac khu|thi tran)\s+/, '');
      const rank = bare === words.join(' ') ? 0 : bare.startsWith(words.join(' ')) ? 1 : 2;
      hits.push({ area: this.get(a.id) as Area, rank });
    }
    hits.sort((x, y) => x.rank - y.rank || x.area.name.localeCompare(y.area.name, 'vi'));
    return hits.slice(0, opts.limit ?? 10).map((h) => h.area);
  }
}
