import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataFileError, loadDataFile } from '../core/data-file.js';
import type { Registry } from './registry.js';
import { flowSchema, type ChoiceItem, type Flow, type Step } from './flow-schema.js';

export interface FlowProblem {
  file: string;
  /** Where the file itself is wrong (YAML or schema); checks across flows name the step instead. */
  line?: number;
  step?: string;
  problem: string;
}

export function formatProblem(p: FlowProblem): string {
  return [p.file, p.line, p.step, p.problem].filter((x) => x !== undefined && x !== '').join(': ');
}

export class FlowLoadError extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export interface LoadedFlows {
  flows: Map<string, Flow>;
  files: Map<string, string>;
  problems: FlowProblem[];
}

/** The label key of a choice given as a bare value: "<namespace of the question>.choice.<value>". */
export function choiceLabelKey(askKey: string, item: ChoiceItem): string {
  if (typeof item !== 'string' && item.label) return item.label;
  const value = typeof item === 'string' ? item : item.value;
  return `${askKey.split('.')[0]}.choice.${value}`;
}

export function choiceValue(item: ChoiceItem): string {
  return typeof item === 'string' ? item : item.value;
}

/** Reads and validates every flows/*.yaml; problems are collected, not thrown, so a check lists them all. */
export function loadFlows(dir: string, registry: Registry): LoadedFlows {
  const flows = new Map<string, Flow>();
  const files = new Map<string, string>();
  const problems: FlowProblem[] = [];
  const names = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const name of names) {
    const file = join('flows', name);
    let flow: Flow;
    try {
      flow = loadDataFile(join(dir, name), flowSchema, { label: file }).data;
    } catch (err) {
      if (!(err instanceof DataFileError)) throw err;
      problems.push(...err.issues.map((i) => ({ file, line: i.line, problem: i.problem })));
      continue;
    }
    if (flow.id !== basename(name).replace(/\.ya?ml$/, ''))
      problems.push({ file, problem: `id "${flow.id}" differs from the file name` });
    if (flows.has(flow.id)) {
      problems.push({ file, problem: `flow id "${flow.id}" is also used by ${files.get(flow.id)}` });
      continue;
    }
    for (const [stepId, step] of Object.entries(flow.steps)) problems.push(...checkInputOptions(file, stepId, step, registry));
    flows.set(flow.id, flow);
    files.set(flow.id, file);
  }
  return { flows, files, problems };
}

function checkInputOptions(file: string, step: string, s: Step, registry: Registry): FlowProblem[] {
  if (!s.input) return [];
  const kind = registry.inputKinds.get(s.input.type);
  if (!kind) return [{ file, step, problem: `unknown input type "${s.input.type}" (known: ${[...registry.inputKinds.keys()].join(', ')})` }];
  const { type: _type, ...options } = s.input;
  const parsed = kind.options.safeParse(options);
  return parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ file, step, problem: `input ${i.path.join('.') || 'options'}: ${i.message}` }));
}

const parsedOptions = new WeakMap<Step, unknown>();

/** Parsed input options (defaults filled in), ready for the kind's parser; parsed once per step. */
export function inputOptions(step: Step, registry: Registry): unknown {
  if (!step.input) return undefined;
  if (parsedOptions.has(step)) return parsedOptions.get(step);
  const { type, ...options } = step.input;
  const kind = registry.inputKinds.get(type);
  if (!kind) throw new Error(`unknown input type ${type}`);
  const parsed = kind.options.parse(options);
  parsedOptions.set(step, parsed);
  return parsed;
}
