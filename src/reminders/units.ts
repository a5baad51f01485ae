import { z } from 'zod';
import type { Language } from '../i18n/index.js';
import { loadDataFile } from '../core/data-file.js';

export const unitKindIdSchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a unit kind like ubnd_xa (a-z, 0-9, _; at most 32)');

/** A name in each language: data that an organiser edits, not code. */
export const namesSchema = z.object({ vi: z.string().trim().min(1), en: z.string().trim().min(1) }).strict();
export type Names = z.infer<typeof namesSchema>;

const unitKindSchema = z
  .object({
    id: unitKindIdSchema,
    name: namesSchema,
    level: z.enum(['province', 'commune']),
    supervisor: unitKindIdSchema.optional(),
    replaces: z.string().optional(),
  })
  .strict();
export type UnitKind = z.infer<typeof unitKindSchema>;

const unitsFileSchema = z.object({ units: z.array(unitKindSchema).min(1) }).strict();

/** The kinds of reporting units (data/units.yaml). */
export class UnitKinds {
  private readonly byId: Map<string, UnitKind>;

  constructor(readonly all: UnitKind[]) {
    this.byId = new Map(all.map((u) => [u.id, u]));
  }

  static load(path: string, label = 'data/units.yaml'): UnitKinds {
    const { data } = loadDataFile(path, unitsFileSchema, { label, check: (file, add) => {
      const seen = new Set<string>();
      file.units.forEach((u, i) => {
        if (seen.has(u.id)) add(['units', i, 'id'], `"${u.id}" appears twice`);
        seen.add(u.id);
      });
      file.units.forEach((u, i) => {
        if (u.supervisor && !seen.has(u.supervisor)) add(['units', i, 'supervisor'], `unknown unit kind "${u.supervisor}"`);
        if (u.supervisor === u.id) add(['units', i, 'supervisor'], 'a unit cannot supervise itself');
      });
    } });
    return new UnitKinds(data.units);
  }

  get(id: string): UnitKind | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  name(id: string, lang: Language): string {
    return this.byId.get(id)?.name[lang] ?? id;
  }

  /** Kinds that sit in an area of this kind ("province", "commune"). */
  atLevel(level: string): UnitKind[] {
    return this.all.filter((u) => u.level === level);
  }
}
