import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import i18next, { type i18n as I18nInstance, type TOptions } from 'i18next';
import { z } from 'zod';
import { dataPaths } from '../core/paths.js';

export const LANGUAGES = ['vi', 'en'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;
export const DEFAULT_LANGUAGE: Language = 'vi';

type Catalogue = { [key: string]: string | Catalogue };
const catalogueSchema: z.ZodType<Catalogue> = z.lazy(() => z.record(z.string(), z.union([z.string(), catalogueSchema])));

/**
 * Each file locales/<lng>/<name>.json becomes the subtree `<name>` of one namespace, so a key reads
 * "learning.ask_kind" everywhere: in flows, in code and in flows:check.
 */
export function loadCatalogues(dir: string = dataPaths.locales): Record<Language, Catalogue> {
  const out = {} as Record<Language, Catalogue>;
  for (const lng of LANGUAGES) {
    const tree: Catalogue = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith('.json')).sort()) {
      const path = join(dir, lng, file);
      const parsed = catalogueSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0]?.message ?? 'invalid catalogue'}`);
      tree[basename(file, '.json')] = parsed.data;
    }
    out[lng] = tree;
  }
  return out;
}

/** Every leaf key of a catalogue, dotted. */
export function catalogueKeys(tree: Catalogue, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : catalogueKeys(v, `${prefix}${k}.`),
  );
}

export function hasKey(tree: Catalogue, key: string): boolean {
  return hasString(tree, key) || hasString(tree, `${key}_other`);
}

/** Whether the key names a text itself (a plural key, `x` for `x_one`/`x_other`, does not). */
function hasString(tree: Catalogue, key: string): boolean {
  let node: string | Catalogue | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return false;
    node = node[part];
  }
  return typeof node === 'string';
}

export type Translate = (key: string, params?: Record<string, unknown>) => string;

export interface I18n {
  t(lng: Language, key: string, params?: Record<string, unknown>): string;
  /** A translator bound to one language. */
  for(lng: Language): Translate;
  exists(key: string, lng?: Language): boolean;
}

/** Options that change which text i18next picks (plural and context forms, other namespaces). */
const LOOKUP_OPTIONS = ['count', 'context', 'ordinal', 'ns', 'keyPrefix', 'lngs', 'fallbackLng', 'defaultValue', 'returnObjects', 'returnDetails'];

/** Texts that i18next returns exactly as written: no {{placeholder}}, no $t(nesting), a key without ":". */
function plainTexts(tree: Catalogue): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: Catalogue, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v !== 'string') walk(v, `${prefix}${k}.`);
      else if (!v.includes('{{') && !v.includes('$t(') && !k.includes(':')) out.set(prefix + k, v);
    }
  };
  walk(tree, '');
  return out;
}

export function createI18n(dir: string = dataPaths.locales): I18n {
  const catalogues = loadCatalogues(dir);
  const instance: I18nInstance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogues[l] }])),
    // Chat text is plain text rendered by each channel; channels escape for their own markup.
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<I18nInstance['init']>[0]);
  const plain = Object.fromEntries(LANGUAGES.map((l) => [l, plainTexts(catalogues[l])])) as Record<Language, Map<string, string>>;
  const t = (lng: Language, key: string, params?: Record<string, unknown>): string => {
    // Most texts are fixed: they skip i18next, which costs more than the rest of a turn's work on them.
    const text = params && LOOKUP_OPTIONS.some((o) => params[o] !== undefined) ? undefined : plain[lng].get(key);
    return text ?? (instance.t(key, { ...(params as TOptions), lng }) as string);
  };
  return {
    t,
    for: (lng) => (key, params) => t(lng, key, params),
    exists: (key, lng) => hasKey(catalogues[lng ?? DEFAULT_LANGUAGE], key),
  };
}
