import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

/** A data file that cannot be used: one `file: line: problem` line per problem, and start-up stops. */
export class DataFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export type PathKey = string | number;

/** What a loader's own checks (unknown ids, duplicates...) report, placed on the line of `path`. */
export type AddProblem = (path: readonly PathKey[], problem: string) => void;

export interface ParsedFile<T> {
  data: T;
  /** The line of a value in the file, for problems found after parsing. */
  lineOf(path: readonly PathKey[]): number;
}

/**
 * The line of the deepest node on `path` that exists: a missing field is reported on its parent, an
 * unknown key on the key itself.
 */
function lineFinder(doc: Document, counter: LineCounter): (path: readonly PathKey[]) => number {
  return (path) => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
        if (!pair) break;
        offset = (pair.key as { range?: [number] } | null)?.range?.[0] ?? offset;
        node = pair.value;
        if ((node as { range?: [number] } | null)?.range) offset = (node as { range: [number] }).range[0];
      } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
        node = node.items[key];
        offset = (node as { range?: [number] }).range?.[0] ?? offset;
      } else break;
    }
    return counter.linePos(offset).line;
  };
}

/**
 * Reads a YAML data file, checks it against `schema` and then `check`; every problem becomes
 * "<label>: <line>: <problem>" and they are thrown together.
 */
export function loadYamlFile<S extends z.ZodType>(
  path: string,
  label: string,
  schema: S,
  check?: (data: z.output<S>, add: AddProblem) => void,
): ParsedFile<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataFileError([`${label}: 1: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length)
    throw new DataFileError(
      doc.errors.map((e) => `${label}: ${e.linePos?.[0]?.line ?? 1}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`),
    );
  const lineOf = lineFinder(doc, counter);
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new DataFileError(
      parsed.error.issues.map((issue) => {
        const where = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
        // An unknown key is reported where it stands, not on its parent.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const line = lineOf(keys[0] !== undefined ? [...where, keys[0]] : where);
        const field = where.join('.');
        return `${label}: ${line}: ${field ? field + ': ' : ''}${issue.message}`;
      }),
    );
  }
  const problems: string[] = [];
  check?.(parsed.data, (where, problem) => problems.push(`${label}: ${lineOf(where)}: ${where.join('.')}: ${problem}`));
  if (problems.length) throw new DataFileError(problems);
  return { data: parsed.data, lineOf };
}
