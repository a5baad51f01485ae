import { foldVietnamese } from '../core/fold.js';
import { hasKey, LANGUAGES, type loadCatalogues } from '../i18n/index.js';
import type { Condition, Flow, Step, Target } from './flow-schema.js';
import { choiceLabelKey, choiceValue, type FlowProblem, type LoadedFlows } from './flows.js';
import type { Registry } from './registry.js';

type Catalogues = ReturnType<typeof loadCatalogues>;

function stepKeys(step: Step): string[] {
  const keys: string[] = [];
  if (step.say) keys.push(...(Array.isArray(step.say) ? step.say : [step.say]));
  if (step.ask) keys.push(step.ask);
  if (step.invalid) keys.push(step.invalid);
  if (step.ask && Array.isArray(step.choices)) keys.push(...step.choices.map((c) => choiceLabelKey(step.ask as string, c)));
  return keys;
}

function stepTargets(step: Step): Target[] {
  const targets: Target[] = [];
  if (step.next || step.goto || step.end) targets.push({ next: step.next, goto: step.goto, end: step.end });
  if (step.otherwise) targets.push(step.otherwise);
  if (step.on) targets.push(...Object.values(step.on));
  if (step.branch) targets.push(...step.branch);
  return targets;
}

function conditionsOf(step: Step): Condition[] {
  const out: Condition[] = [...(step.branch?.map((b) => b.if) ?? [])];
  if (Array.isArray(step.choices)) for (const c of step.choices) if (typeof c !== 'string' && c.if) out.push(c.if);
  return out;
}

/**
 * What loading alone cannot see: targets that lead nowhere, names no capability registered, and
 * locale keys missing in a language. Each problem reads "file: step: problem".
 */
export function checkFlows(loaded: LoadedFlows, registry: Registry, catalogues: Catalogues): FlowProblem[] {
  const problems: FlowProblem[] = [...loaded.problems];
  const { flows } = loaded;
  const flowHasStep = (ref: string): string | undefined => {
    const [flowId, stepId] = ref.split('.');
    const flow = flows.get(flowId as string);
    if (!flow) return `goes to unknown flow "${flowId}"`;
    if (stepId && !flow.steps[stepId]) return `goes to unknown step "${ref}"`;
    return undefined;
  };

  for (const [id, flow] of flows) {
    const file = loaded.files.get(id) as string;
    const add = (step: string | undefined, problem: string) => problems.push({ file, step, problem });
    if (!flow.steps[flow.start]) add(undefined, `start step "${flow.start}" does not exist`);
    for (const [stepId, step] of Object.entries(flow.steps)) {
      for (const t of stepTargets(step)) {
        if (t.next && !flow.steps[t.next]) add(stepId, `next step "${t.next}" does not exist`);
        if (t.goto) {
          const bad = flowHasStep(t.goto);
          if (bad) add(stepId, bad);
        }
      }
      if (step.action && !registry.actions.has(step.action)) add(stepId, `unknown action "${step.action}"`);
      if (step.validate && !registry.validators.has(step.validate)) add(stepId, `unknown validator "${step.validate}"`);
      if (step.choices && !Array.isArray(step.choices) && !registry.choiceProviders.has(step.choices.from))
        add(stepId, `unknown choice provider "${step.choices.from}"`);
      if (step.on && Array.isArray(step.choices)) {
        const values = new Set(step.choices.map(choiceValue));
        for (const v of Object.keys(step.on)) if (!values.has(v)) add(stepId, `"on" names "${v}", which is not a choice`);
      }
      for (const key of stepKeys(step))
        for (const lng of LANGUAGES) if (!hasKey(catalogues[lng], key)) add(stepId, `locale key "${key}" is missing in ${lng}`);
      for (const c of conditionsOf(step)) checkCondition(c, (p) => add(stepId, p));
    }
  }
  problems.push(...checkIntents(loaded, registry, flowHasStep));
  return problems;
}

/**
 * Intents lead somewhere that exists, and their examples cover the ways people type: Vietnamese with and
 * without marks, and English. One wording in two intents would make the matcher toss a coin.
 */
function checkIntents(loaded: LoadedFlows, registry: Registry, flowHasStep: (ref: string) => string | undefined): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const owners = new Map<string, string>();
  const wordings = new Map<string, string>();
  for (const [id, flow] of loaded.flows) {
    const file = loaded.files.get(id) as string;
    for (const intent of flow.intents ?? []) {
      const add = (problem: string) => problems.push({ file, step: `intent ${intent.id}`, problem });
      const owner = owners.get(intent.id);
      if (owner) add(`intent id is also used by ${owner}`);
      owners.set(intent.id, file);
      if (intent.command) {
        const name = intent.command.split(' ')[0] as string;
        if (!registry.commands.has(name)) add(`unknown command "/${name}"`);
      }
      if (intent.goto) {
        const bad = flowHasStep(intent.goto);
        if (bad) add(bad);
        const target = loaded.flows.get(intent.goto.split('.')[0] as string) as Flow | undefined;
        if (intent.part && target && !target.steps[intent.part]) add(`part "${intent.part}" is not a step of ${target.id}`);
      }
      const marked = intent.vi.filter((p) => foldVietnamese(p) !== p.toLowerCase().replace(/\s+/g, ' ').trim());
      if (marked.length === 0) add('vi: give examples with diacritics too');
      if (marked.length === intent.vi.length) add('vi: give examples typed without diacritics too');
      for (const phrase of [...intent.vi, ...intent.en]) {
        const folded = foldVietnamese(phrase);
        const other = wordings.get(folded);
        if (other && other !== intent.id) add(`"${phrase}" is also an example of intent ${other}`);
        wordings.set(folded, intent.id);
      }
    }
  }
  return problems;
}

function checkCondition(c: Condition, add: (problem: string) => void): void {
  if ('all' in c) c.all.forEach((x) => checkCondition(x, add));
  else if ('any' in c) c.any.forEach((x) => checkCondition(x, add));
  else if ('not' in c) checkCondition(c.not, add);
  else if ('var' in c) {
    const tests = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'].filter((k) => k in c);
    if (tests.length !== 1) add(`condition on "${c.var}" needs exactly one test (eq, ne, in, gt, gte, lt, lte, exists)`);
  }
}
