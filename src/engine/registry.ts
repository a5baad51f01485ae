import type { z } from 'zod';
import type { Attachment, Choice } from '../core/message.js';
import type { FlowData } from './flow-data.js';
import type { Intent } from './flow-schema.js';
import type { Turn } from './turn.js';

/**
 * What an action tells its step: one of the outcomes it declares, which the step's `on:` routes; nothing,
 * and the step goes on (say, ask, next); or a request typed in words, which goes where the flows' intent says.
 */
export type ActionResult<O extends string = string> = O | { intent: Intent; part?: true } | void;

/** An action and the outcomes it may return; `flows:check` holds every step that runs it to routing exactly these. */
export interface Action<O extends string = string> {
  readonly outcomes: readonly O[];
  run(turn: Turn): Promise<ActionResult<O>>;
}

/** Choices computed at run time (communes, a review queue, ...); labels are final text. */
export type ChoiceProvider = (turn: Turn) => Promise<Choice[]>;

export type InputResult =
  | { ok: true; value: unknown }
  | { ok: false; error: string; params?: Record<string, unknown> };

export type Validator = (value: unknown, turn: Turn) => Promise<InputResult>;

export interface RawInput {
  text: string;
  attachment?: Attachment;
}

export interface InputContext {
  now: Date;
}

export interface InputKind<O = unknown> {
  options: z.ZodType<O>;
  parse(input: RawInput, options: O, ctx: InputContext): InputResult;
}

/** An outcome routed by a flow's `commands:`, asking the waiting question again, or nothing more. */
export type CommandResult<O extends string = string> = O | { reprompt: true } | void;

export interface Command<O extends string = string> {
  /** Typed as "/name" (also "/name@bot" in groups). */
  name: string;
  /** Plain words that mean the same, matched after folding ("huy" = "hủy"). */
  aliases?: string[];
  /** Where the conversation may go next, by name; one flow routes them (`commands:`). */
  outcomes?: readonly O[];
  run(turn: Turn, args: string): Promise<CommandResult<O>>;
}

/** Named pieces of TypeScript that flows refer to; each capability registers its own. */
export class Registry {
  readonly actions = new Map<string, Action>();
  readonly choiceProviders = new Map<string, ChoiceProvider>();
  readonly validators = new Map<string, Validator>();
  readonly inputKinds = new Map<string, InputKind<never>>();
  readonly commands = new Map<string, Command>();
  /** What each flow collects, by flow id. */
  readonly flowData = new Map<string, FlowData>();

  private add<T>(map: Map<string, T>, what: string, name: string, value: T): void {
    if (map.has(name)) throw new Error(`${what} "${name}" is registered twice`);
    map.set(name, value);
  }

  /** An action that only does its work: the step goes on. */
  action(name: string, run: (turn: Turn) => Promise<void>): this;
  /** An action that returns one of `outcomes`, for the flow to route. */
  action<const O extends string>(name: string, outcomes: readonly O[], run: (turn: Turn) => Promise<ActionResult<O>>): this;
  action(name: string, a: readonly string[] | ((turn: Turn) => Promise<void>), b?: (turn: Turn) => Promise<ActionResult>): this {
    const action: Action = typeof a === 'function' ? { outcomes: [], run: a } : { outcomes: a, run: b as Action['run'] };
    this.add(this.actions, 'action', name, action);
    return this;
  }

  choices(name: string, fn: ChoiceProvider): this {
    this.add(this.choiceProviders, 'choice provider', name, fn);
    return this;
  }

  validator(name: string, fn: Validator): this {
    this.add(this.validators, 'validator', name, fn);
    return this;
  }

  inputKind<O>(name: string, kind: InputKind<O>): this {
    this.add(this.inputKinds, 'input kind', name, kind as unknown as InputKind<never>);
    return this;
  }

  /** Declares what the data's flows collect; their `save:` steps and actions go through it. */
  data(data: FlowData): this {
    for (const flow of data.flows) this.add(this.flowData, 'flow data of', flow, data);
    return this;
  }

  command<const O extends string = never>(cmd: Command<O>): this {
    this.add(this.commands, 'command', cmd.name, cmd as Command);
    return this;
  }
}
