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

/** Every way out of a step, with what takes it: "" for next/goto/end, a choice value or outcome, "otherwise", "if". */
export function stepExits(step: Step): { when: string; target: Target }[] {
  const exits: { when: string; target: Target }[] = [];
  for (const b of step.branch ?? []) exits.push({ when: 'if', target: b });
  for (const [when, target] of Object.entries(step.on ?? {})) exits.push({ when, target });
  if (step.otherwise) exits.push({ when: 'otherwise', target: step.otherwise });
  if (step.next || step.goto || step.end) exits.push({ when: '', target: { next: step.next, goto: step.goto, end: step.end } });
  return exits;
}

function stepTargets(step: Step): Target[] {
  return stepExits(step).map((e) => e.target);
}

function conditionsOf(step: Step): Condition[] {
  const out: Condition[] = [...(step.branch?.map((b) => b.if) ?? [])];
  if (Array.isArray(step.choices)) for (const c of step.choices) if (typeof c !== 'string' && c.if) out.push(c.if);
  return out;
}

export interface CheckOptions {
  /**
   * These are all the flows the bot runs (`npm run flows:check`): every outcome of every command must be
   * routed, and every flow that saves answers must declare its data. A test's few flows may leave a
   * command unrouted (it then fails when used, as a missing flow did) and save into untyped data.
   */
  whole?: boolean;
}

/**
 * What loading alone cannot see: targets that lead nowhere, outcomes a step leaves unrouted (or routes
 * though its action never returns them), steps nothing leads to, saves outside the flow's data, names no
 * capability registered, and locale keys missing in a language. Each problem reads "file: step: problem".
 */
export function checkFlows(loaded: LoadedFlows, registry: Registry, catalogues: Catalogues, opts: CheckOptions = {}): FlowProblem[] {
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
      checkRoutes(step, registry, (p) => add(stepId, p));
      const data = registry.flowData.get(id);
      if (step.save && data && !(step.save.startsWith(`${data.key}.`) && data.declares(step.save)))
        add(stepId, `saves to "${step.save}", which the flow's data ("${data.key}") does not declare`);
      if (step.save && !data && opts.whole) add(stepId, `saves to "${step.save}", but the flow declares no data (register a FlowData for "${id}")`);
      for (const v of conditionsOf(step).flatMap(varsOf))
        if (data && v.startsWith(`${data.key}.`) && !data.declares(v)) add(stepId, `reads "${v}", which the flow's data ("${data.key}") does not declare`);
      if (step.validate && !registry.validators.has(step.validate)) add(stepId, `unknown validator "${step.validate}"`);
      if (step.choices && !Array.isArray(step.choices) && !registry.choiceProviders.has(step.choices.from))
        add(stepId, `unknown choice provider "${step.choices.from}"`);
      for (const key of stepKeys(step))
        for (const lng of LANGUAGES) if (!hasKey(catalogues[lng], key)) add(stepId, `locale key "${key}" is missing in ${lng}`);
      for (const c of conditionsOf(step)) checkCondition(c, (p) => add(stepId, p));
    }
  }
  problems.push(...checkIntents(loaded, registry, flowHasStep));
  problems.push(...checkCommands(loaded, registry, flowHasStep, opts.whole === true));
  problems.push(...checkReachable(loaded));
  return problems;
}

/** `on:` routes every outcome the step's action declares, and names only those and the step's choices. */
function checkRoutes(step: Step, registry: Registry, add: (problem: string) => void): void {
  const outcomes = new Set(step.action ? (registry.actions.get(step.action)?.outcomes ?? []) : []);
  const values = new Set(Array.isArray(step.choices) ? step.choices.map(choiceValue) : []);
  const routed = new Set(Object.keys(step.on ?? {}));
  for (const o of outcomes) {
    if (!routed.has(o)) add(`does not route outcome "${o}" of ${step.action}`);
    if (values.has(o)) add(`"${o}" is both a choice and an outcome of ${step.action}`);
  }
  for (const k of routed) {
    if (outcomes.has(k) || values.has(k)) continue;
    if (!step.action) add(`"on" names "${k}", which is not a choice`);
    else if (values.size) add(`"on" names "${k}", which is neither a choice nor an outcome of ${step.action}`);
    else add(`routes outcome "${k}", which ${step.action} never returns`);
  }
}

/** Each command's outcomes are routed by exactly one flow, to places that exist. */
function checkCommands(loaded: LoadedFlows, registry: Registry, flowHasStep: (ref: string) => string | undefined, whole: boolean): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const routedBy = new Map<string, string>();
  for (const [id, flow] of loaded.flows) {
    const file = loaded.files.get(id) as string;
    for (const [name, routes] of Object.entries(flow.commands ?? {})) {
      const add = (problem: string) => problems.push({ file, step: `command /${name}`, problem });
      const cmd = registry.commands.get(name);
      if (!cmd) add('unknown command');
      for (const [outcome, t] of Object.entries(routes)) {
        if (cmd && !cmd.outcomes?.includes(outcome)) add(`routes outcome "${outcome}", which /${name} never returns`);
        const other = routedBy.get(`${name} ${outcome}`);
        if (other) add(`outcome "${outcome}" is also routed by ${other}`);
        routedBy.set(`${name} ${outcome}`, file);
        if (t.next && !flow.steps[t.next]) add(`next step "${t.next}" does not exist`);
        const bad = t.goto && flowHasStep(t.goto);
        if (bad) add(bad);
      }
    }
  }
  if (whole)
    for (const cmd of registry.commands.values())
      for (const outcome of cmd.outcomes ?? [])
        if (!routedBy.has(`${cmd.name} ${outcome}`)) problems.push({ file: 'flows', step: `command /${cmd.name}`, problem: `no flow routes outcome "${outcome}"` });
  return problems;
}

/**
 * Steps nothing leads to: not a flow's start, and no step, intent or command goes there from somewhere
 * that is itself reached. A flow is entered at its start (by name, from the menu, a command or a request).
 */
function checkReachable(loaded: LoadedFlows): FlowProblem[] {
  const { flows } = loaded;
  const seen = new Set<string>();
  const queue: string[] = [];
  const reach = (flowId: string, t: { next?: string; goto?: string }) => {
    let ref: string | undefined;
    if (t.next) ref = `${flowId}.${t.next}`;
    else if (t.goto) ref = t.goto.includes('.') ? t.goto : `${t.goto}.${flows.get(t.goto)?.start}`;
    if (ref && !seen.has(ref)) {
      seen.add(ref);
      queue.push(ref);
    }
  };
  for (const [id, flow] of flows) {
    reach(id, { next: flow.start });
    for (const intent of flow.intents ?? []) {
      if (intent.goto) reach(id, { goto: intent.goto });
      if (intent.goto && intent.part) reach(id, { goto: `${intent.goto.split('.')[0]}.${intent.part}` });
    }
    for (const routes of Object.values(flow.commands ?? {})) for (const t of Object.values(routes)) reach(id, t);
  }
  while (queue.length) {
    const [flowId = '', stepId = ''] = (queue.shift() as string).split('.');
    const step = flows.get(flowId)?.steps[stepId];
    for (const t of step ? stepTargets(step) : []) reach(flowId, t);
  }
  const problems: FlowProblem[] = [];
  for (const [id, flow] of flows)
    for (const stepId of Object.keys(flow.steps))
      if (!seen.has(`${id}.${stepId}`)) problems.push({ file: loaded.files.get(id) as string, step: stepId, problem: 'no step, intent or command leads here' });
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

function varsOf(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(varsOf);
  if ('any' in c) return c.any.flatMap(varsOf);
  if ('not' in c) return varsOf(c.not);
  return 'var' in c ? [c.var] : [];
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
