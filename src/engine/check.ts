import { hasKey, LANGUAGES, type loadCatalogues } from '../i18n/index.js';
import type { Condition, Step, Target } from './flow-schema.js';
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
