import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { projectRoot } from './paths.js';

export interface DataFileIssue {
  line: number;
  problem: string;
}

/** A data file that cannot be used: one `file: line: problem` line per problem, and start-up stops. */
export class DataFileError extends Error {
  readonly problems: string[];

  constructor(
    readonly label: string,
    readonly issues: readonly DataFileIssue[],
  ) {
    const problems = issues.map((i) => `${label}: ${i.line}: ${i.problem}`);
    super(problems.join('\n'));
    this.problems = problems;
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

export interface DataFileOptions<T> {
  /** How the file is named in problems; by default its path from the project folder. */
  label?: string;
  /** Checks that need the whole file (duplicates, references), run once the schema is met. */
  check?: (data: T, add: AddProblem) => void;
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

/** Problems name files as people know them: "plans/deadlines.yaml". */
export function dataFileLabel(path: string): string {
  const rel = relative(projectRoot, path);
  return rel.startsWith('..') ? path : rel.split(sep).join('/');
}

/** Where each node of the text stands, from `yaml`, which keeps positions (and words its errors well). */
function locate(text: string): { errors: DataFileIssue[]; doc: Document; lineOf: (path: readonly PathKey[]) => number } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  const errors = doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? 1, problem: (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '') }));
  return { errors, doc, lineOf: lineFinder(doc, counter) };
}

/**
 * Checks text of a YAML (or JSON, which is YAML) data file against `schema` and then `check`; every
 * problem becomes "<label>: <line>: <problem>" and they are thrown together.
 */
export function parseDataText<S extends z.ZodType>(text: string, label: string, schema: S, opts: Pick<DataFileOptions<z.output<S>>, 'check'> = {}): ParsedFile<z.output<S>> {
  // js-yaml reads a file several times faster than `yaml` (areas.yaml: 0.1 s against 0.6 s at start-up);
  // `yaml`, which keeps where each node stands, runs only to place a problem on its line.
  let located: ReturnType<typeof locate> | undefined;
  const where = () => (located ??= locate(text));
  let raw: unknown;
  try {
    raw = loadYaml(text, { schema: CORE_SCHEMA });
  } catch {
    const { errors, doc } = where();
    if (errors.length) throw new DataFileError(label, errors);
    raw = doc.toJS();
  }
  const lineOf = (path: readonly PathKey[]) => where().lineOf(path);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DataFileError(
      label,
      parsed.error.issues.map((issue) => {
        const at = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
        // An unknown key is reported where it stands, not on its parent.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const field = at.join('.');
        return { line: lineOf(keys[0] !== undefined ? [...at, keys[0]] : at), problem: `${field ? field + ': ' : ''}${issue.message}` };
      }),
    );
  }
  const problems: DataFileIssue[] = [];
  opts.check?.(parsed.data, (at, problem) => problems.push({ line: lineOf(at), problem: `${at.join('.')}: ${problem}` }));
  if (problems.length) throw new DataFileError(label, problems);
  return { data: parsed.data, lineOf };
}

/** Reads a YAML or JSON data file (areas, criteria, lexicon, flows, deadlines, events...) through `parseDataText`. */
export function loadDataFile<S extends z.ZodType>(path: string, schema: S, opts: DataFileOptions<z.output<S>> = {}): ParsedFile<z.output<S>> {
  const label = opts.label ?? dataFileLabel(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataFileError(label, [{ line: 1, problem: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  }
  return parseDataText(text, label, schema, opts);
}
