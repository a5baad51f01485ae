import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { languageSchema } from '../i18n/index.js';

/**
 * The plan documents in plans/: every .md and .txt file except README*. Metadata comes from YAML front
 * matter, or, for official texts kept byte for byte as published, from a sidecar "<file>.meta.yaml".
 * Every other file (deadlines.yaml, events.yaml, lexicon.yaml, the sidecars) is not a document.
 */

const optionalText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .default('');

const metadataSchema = z
  .object({
    title: optionalText,
    issuer: optionalText,
    /** The document's number as printed, e.g. "2042/KH-UBND". */
    number: optionalText,
    /** ISO date of issue, or empty when the text does not give one. */
    date: z
      .string()
      .trim()
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'date must be YYYY-MM-DD or empty')
      .default(''),
    province: optionalText,
    /** The period the plan covers, e.g. "2021-2030". */
    period: optionalText,
    /** The language the document is written in; questions are answered from documents in their language. */
    lang: languageSchema.default('vi'),
  })
  .strict();

export type DocumentMeta = z.infer<typeof metadataSchema>;

export interface PlanDocument {
  /** File name inside plans/, e.g. "003_474c2da9f5b1b4bc.txt". */
  readonly file: string;
  readonly meta: DocumentMeta;
  /** The text without front matter. */
  readonly body: string;
}

export const SIDECAR_SUFFIX = '.meta.yaml';
const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export const isDocumentFile = (name: string): boolean => /\.(md|txt)$/i.test(name) && !/^readme/i.test(name);

function parseMeta(yamlText: string, where: string, file: string): DocumentMeta {
  let raw: unknown;
  try {
    raw = parse(yamlText) ?? {};
  } catch (e) {
    throw new Error(`${where}: front matter is not valid YAML: ${(e as Error).message}`);
  }
  const parsed = metadataSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${where}: ${issue?.path.join('.') || 'metadata'}: ${issue?.message ?? 'invalid'}`);
  }
  return { ...parsed.data, title: parsed.data.title || file };
}

export function readDocument(dir: string, file: string): PlanDocument {
  const text = readFileSync(join(dir, file), 'utf8');
  const front = FRONT_MATTER.exec(text);
  if (front) return { file, meta: parseMeta(front[1] ?? '', file, file), body: text.slice(front[0].length) };
  const sidecar = join(dir, file + SIDECAR_SUFFIX);
  const meta = existsSync(sidecar) ? readFileSync(sidecar, 'utf8') : '';
  return { file, meta: parseMeta(meta, file + SIDECAR_SUFFIX, file), body: text };
}

/** All documents of a plans folder, in file-name order. */
export function loadCorpus(dir: string): PlanDocument[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && isDocumentFile(e.name))
    .map((e) => e.name)
    .sort()
    .map((file) => readDocument(dir, file));
}
