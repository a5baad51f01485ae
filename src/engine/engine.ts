import { foldVietnamese } from '../core/fold.js';
import { stripInvisible } from '../core/invisible.js';
import type { Choice, ParsedInbound, Reply } from '../core/message.js';
import { LANGUAGES, type Language } from '../i18n/index.js';
import { SESSION_VERSION, type LoadedSession, type Session } from '../sessions/session.js';
import { evaluate } from './conditions.js';
import { setPath } from './data-path.js';
import type { Flow, Intent, Role, Step, Target } from './flow-schema.js';
import { choiceLabelKey, choiceValue, inputOptions } from './flows.js';
import { foldAnswer, matchChoice, type AnswerWords } from './choice-match.js';
import type { Command, InputResult, Registry } from './registry.js';
import { Turn, type TurnDeps } from './turn.js';

export interface EngineOptions {
  /** Where a person waits between flows: the main menu question. */
  home: { flow: string; step: string };
  /** The flow that greets: run on /start and for someone new. */
  welcome: string;
  /** Longer messages are refused before anything else looks at them. */
  maxInboundChars: number;
}

export const defaultEngineOptions: EngineOptions = {
  home: { flow: 'menu', step: 'main' },
  welcome: 'menu',
  maxInboundChars: 4000,
};

/** A flow that the checks let through but that cannot run (e.g. a step whose action returned no outcome and that has no exit). */
export class FlowRuntimeError extends Error {}

const MAX_HOPS = 40;
/** Replies without buttons are joined to the next one up to this length, so a turn is few messages. */
const MERGE_LIMIT = 3500;

type Answer = { kind: 'ok'; value: unknown } | { kind: 'otherwise' } | { kind: 'invalid'; error: string; params?: Record<string, unknown> };

/** Invisible characters are dropped (see stripInvisible); text is NFC so both tone placements compare equal. */
export function sanitizeText(text: string | undefined): string {
  return stripInvisible((text ?? '').normalize('NFC')).trim();
}

export interface EngineResult {
  /** null: forget the person (they deleted their data). */
  session: Session | null;
  replies: Reply[];
}

/**
 * Runs the scripted flows. A session always waits at an ask step; an inbound message is a global
 * command, or the answer to that step, after which steps run until the next question.
 */
export class Engine {
  private readonly aliases = new Map<string, Command>();
  private readonly answerWords: AnswerWords;
  /** Per command, per outcome: the flow that routes it and where it leads. */
  private readonly commandRoutes = new Map<string, Map<string, { flow: Flow; target: Target }>>();

  constructor(
    readonly flows: ReadonlyMap<string, Flow>,
    readonly registry: Registry,
    readonly deps: TurnDeps,
    readonly opts: EngineOptions = defaultEngineOptions,
  ) {
    for (const cmd of registry.commands.values())
      for (const alias of cmd.aliases ?? []) this.aliases.set(foldVietnamese(alias), cmd);
    const words = (key: string) => LANGUAGES.flatMap((l) => deps.i18n.t(l, key).split('|').map(foldAnswer));
    this.answerWords = { yes: words('common.answer_words.yes'), no: words('common.answer_words.no') };
    const home = flows.get(opts.home.flow)?.steps[opts.home.step];
    if (!home?.ask) throw new FlowRuntimeError(`home step ${opts.home.flow}.${opts.home.step} must be an ask step`);
    if (!flows.has(opts.welcome)) throw new FlowRuntimeError(`welcome flow ${opts.welcome} does not exist`);
    for (const flow of flows.values())
      for (const [name, routes] of Object.entries(flow.commands ?? {})) {
        const byOutcome = this.commandRoutes.get(name) ?? new Map<string, { flow: Flow; target: Target }>();
        for (const [outcome, target] of Object.entries(routes)) byOutcome.set(outcome, { flow, target });
        this.commandRoutes.set(name, byOutcome);
      }
  }

  newSession(lang: Language): Session {
    return { v: SESSION_VERSION, lang, flow: this.opts.home.flow, step: this.opts.home.step, data: {} };
  }

  /** `roles`: the user's roles when the caller read them with the session (saves a read when a step asks). */
  async handle(loaded: LoadedSession, inbound: ParsedInbound, roles?: Set<Role>): Promise<EngineResult> {
    const lang = inbound.langHint ?? 'vi';
    const text = sanitizeText(inbound.text);
    let session: Session;
    let state: 'known' | 'new' | 'reset' = 'known';
    if (loaded.kind === 'ok' && this.waitsAtAsk(loaded.session)) session = loaded.session;
    else {
      session = this.newSession(loaded.kind === 'ok' ? loaded.session.lang : lang);
      state = loaded.kind === 'none' ? 'new' : 'reset';
    }
    const turn = new Turn(this.deps, inbound, session, text, roles);

    if (state === 'reset') {
      this.deps.log.warn({ user: inbound.user, reason: loaded.kind === 'corrupt' ? loaded.reason : 'stale position' }, 'session reset');
      turn.say('common.session_reset');
      await this.go(turn, this.opts.home.flow + '.' + this.opts.home.step);
    } else if (text.length > this.opts.maxInboundChars) {
      turn.say('common.too_long', { max: this.opts.maxInboundChars, length: text.length });
      await this.reprompt(turn);
    } else if (!text && inbound.choice === undefined && !inbound.attachment) {
      turn.say('common.empty');
      await this.reprompt(turn);
    } else {
      const command = this.matchCommand(inbound.choice ?? text);
      // A word like "hủy" answers the question when the question offers it ("Hủy thông báo"), and is the global
      // command otherwise; someone new is greeted first, whatever their first words.
      const aliasYields = command?.alias && (state === 'new' || (await this.stepTakes(turn)));
      if (command && !aliasYields) {
        const route = await this.runCommand(turn, command.cmd, command.args);
        if (route === 'reprompt') await this.reprompt(turn);
        else if (route) await this.follow(turn, route.flow, route.target);
      } else if (state === 'new') {
        await this.runFrom(turn, this.opts.welcome, this.startOf(this.opts.welcome), true);
      } else {
        await this.answer(turn, false);
      }
    }
    return { session: turn.forgetUser ? null : turn.session, replies: compact(turn.replies) };
  }

  private waitsAtAsk(session: Session): boolean {
    return Boolean(this.flows.get(session.flow)?.steps[session.step]?.ask);
  }

  private startOf(flowId: string): string {
    const flow = this.flows.get(flowId);
    if (!flow) throw new FlowRuntimeError(`unknown flow ${flowId}`);
    return flow.start;
  }

  /** "/name args", "/name@bot args", a button whose value is "/name", or a plain alias like "hủy". */
  matchCommand(input: string): { cmd: Command; args: string; alias?: true } | undefined {
    const m = /^\/([a-zA-Z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(input);
    if (m?.[1]) {
      const cmd = this.registry.commands.get(m[1].toLowerCase()) ?? this.registry.commands.get('unknown');
      return cmd ? { cmd, args: (m[2] ?? '').trim() } : undefined;
    }
    const alias = this.aliases.get(foldVietnamese(input).replace(/[!.?]+$/, ''));
    return alias ? { cmd: alias, args: '', alias: true } : undefined;
  }

  /** Whether the typed text picks one of the choices the waiting question offers. */
  private async stepTakes(turn: Turn): Promise<boolean> {
    const step = this.flows.get(turn.session.flow)?.steps[turn.session.step];
    if (!step?.choices || turn.inbound.choice !== undefined) return false;
    const { choices, alternatives } = await this.choicesAt(turn, step, true);
    return matchChoice(choices, { text: turn.text }, alternatives, this.answerWords) !== undefined;
  }

  /** Runs a command; where its outcome leads is written in the flow that routes it. */
  private async runCommand(turn: Turn, cmd: Command, args: string): Promise<{ flow: Flow; target: Target } | 'reprompt' | undefined> {
    const result = await cmd.run(turn, args);
    if (result === undefined) return undefined;
    if (typeof result !== 'string') return 'reprompt';
    const route = this.commandRoutes.get(cmd.name)?.get(result);
    if (!cmd.outcomes?.includes(result) || !route) throw new FlowRuntimeError(`/${cmd.name} returned "${result}", which no flow routes`);
    return route;
  }

  /**
   * Where a request typed in words leads: its flow (or a part of it), or its command's outcome; a command
   * that only answers asks again what was waiting when the request was typed.
   */
  private async intentTarget(turn: Turn, intent: Intent): Promise<string | { flow: Flow; target: Target }> {
    if (intent.goto) return intent.goto;
    const [name = '', ...args] = (intent.command as string).split(' ');
    const cmd = this.handler(this.registry.commands, name);
    const route = await this.runCommand(turn, cmd, args.join(' '));
    return route && route !== 'reprompt' ? route : `${turn.session.flow}.${turn.session.step}`;
  }

  /** Sends the conversation to "flow" (its start) or "flow.step". */
  async go(turn: Turn, ref: string): Promise<void> {
    const [flowId, stepId] = ref.split('.') as [string, string | undefined];
    await this.runFrom(turn, flowId, stepId ?? this.startOf(flowId), false);
  }

  /** Asks the current question again (after /help, /lang, a refused answer...). */
  async reprompt(turn: Turn): Promise<void> {
    const flow = this.flows.get(turn.session.flow) as Flow;
    await this.prompt(turn, flow, turn.session.step);
  }

  private async answer(turn: Turn, carried: boolean): Promise<void> {
    const flow = this.flows.get(turn.session.flow) as Flow;
    const stepId = turn.session.step;
    const step = flow.steps[stepId] as Step;
    const answer = await this.accept(turn, step);
    if (answer.kind === 'invalid') {
      // Someone new whose first words fit no choice has just seen the menu; no need to scold them.
      if (carried) return;
      turn.say(step.invalid ?? answer.error, answer.params);
      await this.prompt(turn, flow, stepId);
      return;
    }
    if (answer.kind === 'otherwise') {
      delete turn.session.offered;
      return this.follow(turn, flow, step.otherwise as Target);
    }
    if (step.save) {
      const data = this.registry.flowData.get(flow.id);
      if (data && step.save.startsWith(`${data.key}.`)) {
        const saved = data.save(turn, step.save, answer.value);
        if (!saved.ok) {
          // The flow and its data schema disagree (an edited flow): say so and keep what was collected.
          this.deps.log.error({ flow: flow.id, step: stepId, field: `${data.key}.${saved.field}` }, 'an answer does not fit the flow data');
          turn.say('common.invalid.not_saved');
          await this.prompt(turn, flow, stepId);
          return;
        }
      } else setPath(turn.data, step.save, answer.value);
    }
    delete turn.session.offered;
    const chosen = typeof answer.value === 'string' ? step.on?.[answer.value] : undefined;
    return this.follow(turn, flow, chosen ?? (await this.exitOf(turn, step)) ?? missingExit(flow, stepId));
  }

  private async accept(turn: Turn, step: Step): Promise<Answer> {
    const { inbound, text } = turn;
    let value: unknown;
    let found = false;
    if (step.choices) {
      // Labels in the other languages only matter for a typed answer, not for a pressed button.
      const { choices, alternatives } = await this.choicesAt(turn, step, inbound.choice === undefined);
      const match = matchChoice(choices, { choice: inbound.choice, text }, alternatives, this.answerWords);
      if (match) {
        value = match.value;
        found = true;
      } else if (inbound.choice !== undefined) return { kind: 'invalid', error: 'common.invalid.stale_choice' };
    }
    if (!found && step.input) {
      const kind = this.registry.inputKinds.get(step.input.type);
      if (!kind) throw new FlowRuntimeError(`unknown input type ${step.input.type}`);
      if (inbound.choice !== undefined) return { kind: 'invalid', error: 'common.invalid.stale_choice' };
      const parsed = kind.parse({ text, attachment: inbound.attachment }, inputOptions(step, this.registry) as never, {
        now: turn.now(),
      });
      if (!parsed.ok) return step.otherwise ? { kind: 'otherwise' } : invalid(parsed);
      value = parsed.value;
      found = true;
    }
    // A bare number that fits no choice is a mistyped choice, not a question for `otherwise`.
    if (!found) return step.otherwise && !/^\d{1,2}$/.test(text) ? { kind: 'otherwise' } : { kind: 'invalid', error: 'common.invalid.choice' };
    if (step.validate) {
      const checked = await this.handler(this.registry.validators, step.validate)(value, turn);
      if (!checked.ok) return invalid(checked);
      value = checked.value;
    }
    return { kind: 'ok', value };
  }

  /** The choices offered at a step; with `alternatives`, also each label in every language, to match typed answers against. */
  private async choicesAt(turn: Turn, step: Step, withAlternatives = false): Promise<{ choices: Choice[]; alternatives?: Map<string, string[]> }> {
    const spec = step.choices;
    if (!spec) return { choices: [] };
    if (!Array.isArray(spec)) return { choices: turn.session.offered ?? [] };
    const choices: Choice[] = [];
    const alternatives = new Map<string, string[]>();
    for (const item of spec) {
      if (typeof item !== 'string' && item.if && !(await evaluate(item.if, turn))) continue;
      const key = choiceLabelKey(step.ask as string, item);
      const value = choiceValue(item);
      choices.push({ value, label: turn.t(key) });
      if (withAlternatives) alternatives.set(value, LANGUAGES.map((l) => this.deps.i18n.t(l, key, turn.data)));
    }
    return { choices, ...(withAlternatives ? { alternatives } : {}) };
  }

  private async prompt(turn: Turn, flow: Flow, stepId: string): Promise<void> {
    const step = flow.steps[stepId] as Step;
    turn.session.flow = flow.id;
    turn.session.step = stepId;
    let choices: Choice[] | undefined;
    if (step.choices && !Array.isArray(step.choices)) {
      choices = await this.handler(this.registry.choiceProviders, step.choices.from)(turn);
      turn.session.offered = choices;
      if (choices.length === 0 && !step.input) {
        delete turn.session.offered;
        turn.say('common.no_choices');
        if (flow.id !== this.opts.home.flow) await this.go(turn, `${this.opts.home.flow}.${this.opts.home.step}`);
        return;
      }
    } else {
      delete turn.session.offered;
      if (step.choices) choices = (await this.choicesAt(turn, step)).choices;
    }
    turn.reply({ text: turn.t(step.ask as string), ...(choices?.length ? { choices } : {}) });
  }

  private async exitOf(turn: Turn, step: Step): Promise<Target | undefined> {
    for (const b of step.branch ?? []) if (await evaluate(b.if, turn)) return b;
    if (step.next || step.goto || step.end) return { next: step.next, goto: step.goto, end: step.end };
    return undefined;
  }

  private async follow(turn: Turn, flow: Flow, target: Target): Promise<void> {
    if (target.end) {
      turn.session.flow = this.opts.home.flow;
      turn.session.step = this.opts.home.step;
      return;
    }
    if (target.next) return this.runFrom(turn, flow.id, target.next, false);
    return this.go(turn, target.goto as string);
  }

  /** Runs steps from here until one asks; `carried` hands the turn's own message to that question. */
  private async runFrom(turn: Turn, flowId: string, stepId: string, carried: boolean): Promise<void> {
    delete turn.session.offered;
    let checkedFlow: string | undefined;
    for (let hops = 0; hops < MAX_HOPS; hops++) {
      const flow = this.flows.get(flowId);
      const step = flow?.steps[stepId];
      if (!flow || !step) throw new FlowRuntimeError(`unknown step ${flowId}.${stepId}`);
      if (checkedFlow !== flowId) {
        if (!(await turn.permits(flow.requires))) return this.refuse(turn);
        if (flow.personal && turn.inbound.chat !== 'private') return this.refuse(turn, 'common.private_only');
        checkedFlow = flowId;
      }
      if (!(await turn.permits(step.requires))) return this.refuse(turn);

      const routed = step.action ? await this.runAction(turn, flow, stepId, step.action) : undefined;
      if (routed) {
        if (routed.target.end) return this.follow(turn, routed.flow, routed.target);
        [flowId, stepId] = this.resolve(routed.flow.id, routed.target);
        continue;
      }
      for (const key of step.say === undefined ? [] : Array.isArray(step.say) ? step.say : [step.say]) turn.say(key);
      if (step.ask) {
        await this.prompt(turn, flow, stepId);
        if (carried && turn.session.step === stepId) await this.answer(turn, true);
        return;
      }
      const exit = (await this.exitOf(turn, step)) ?? missingExit(flow, stepId);
      if (exit.end) return this.follow(turn, flow, exit);
      [flowId, stepId] = this.resolve(flowId, exit);
    }
    throw new FlowRuntimeError(`more than ${MAX_HOPS} steps without a question, starting at ${flowId}.${stepId}`);
  }

  /** Runs a step's action; where its outcome (or the request it matched) leads, or nothing: the step goes on. */
  private async runAction(turn: Turn, flow: Flow, stepId: string, name: string): Promise<{ flow: Flow; target: Target } | undefined> {
    const action = this.handler(this.registry.actions, name);
    const result = await action.run(turn);
    if (typeof result === 'string') {
      const target = flow.steps[stepId]?.on?.[result];
      if (!action.outcomes.includes(result) || !target)
        throw new FlowRuntimeError(`step ${flow.id}.${stepId}: ${name} returned "${result}", which the step does not route`);
      return { flow, target };
    }
    if (result?.part) {
      const ref = `${(result.intent.goto as string).split('.')[0]}.${result.intent.part}`;
      // Kept in a session across a release that may have renamed the step: then the step goes on.
      return this.stepExists(ref) ? { flow, target: { goto: ref } } : undefined;
    }
    if (!result) return undefined;
    const to = await this.intentTarget(turn, result.intent);
    return typeof to === 'string' ? { flow, target: { goto: to } } : to;
  }

  private stepExists(ref: string): boolean {
    const [flowId = '', stepId = ''] = ref.split('.');
    return Boolean(this.flows.get(flowId)?.steps[stepId]);
  }

  private resolve(flowId: string, t: { next?: string; goto?: string }): [string, string] {
    if (t.next) return [flowId, t.next];
    const [f, s] = (t.goto as string).split('.') as [string, string | undefined];
    return [f, s ?? this.startOf(f)];
  }

  /** Back to the home question after a refusal; `key` says why, unless the refusal was said already. */
  private async refuse(turn: Turn, key?: string): Promise<void> {
    if (key) turn.say(key);
    const { flow, step } = this.opts.home;
    const home = this.flows.get(flow) as Flow;
    await this.prompt(turn, home, step);
  }

  private handler<T>(map: ReadonlyMap<string, T>, name: string): T {
    const fn = map.get(name);
    if (!fn) throw new FlowRuntimeError(`"${name}" is not registered`);
    return fn;
  }
}

function invalid(r: Extract<InputResult, { ok: false }>): Answer {
  return { kind: 'invalid', error: r.error, params: r.params };
}

function missingExit(flow: Flow, stepId: string): never {
  throw new FlowRuntimeError(`step ${flow.id}.${stepId} leads nowhere (its action returned no outcome)`);
}

/** Joins replies without buttons into the next reply, so a turn sends few messages. */
export function compact(replies: Reply[]): Reply[] {
  const out: Reply[] = [];
  let pending: string[] = [];
  // A joined message that holds another person's data is marked as a whole.
  let pendingPersonal = false;
  const personal = (p: boolean) => (p ? { personal: true } : {});
  for (const r of replies) {
    const plain = !r.choices?.length && !r.link && !r.file && !r.media?.length;
    const joined = [...pending, r.text].join('\n\n');
    if (joined.length > MERGE_LIMIT && pending.length) {
      out.push({ text: pending.join('\n\n'), ...personal(pendingPersonal) });
      pending = [];
      pendingPersonal = false;
    }
    if (plain) {
      pending.push(r.text);
      pendingPersonal ||= r.personal === true;
    } else {
      out.push({ ...r, text: [...pending, r.text].join('\n\n'), ...personal(pendingPersonal || r.personal === true) });
      pending = [];
      pendingPersonal = false;
    }
  }
  if (pending.length) out.push({ text: pending.join('\n\n'), ...personal(pendingPersonal) });
  return out;
}
