import type { z } from 'zod';
import type { Attachment, Choice } from '../core/message.js';
import type { Turn } from './turn.js';

/** An action may send the conversation elsewhere: a step of the current flow, another flow, or the end. */
export type ActionResult = { next?: string; goto?: string; end?: true } | void;
export type Action = (turn: Turn) => Promise<ActionResult>;

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

export type CommandResult = { goto?: string; reprompt?: boolean } | void;

export interface Command {
  /** Typed as "/name" (also "/name@bot" in groups). */
  name: string;
  /** Plain words that mean the same, matched after folding ("huy" = "hủy"). */
  aliases?: string[];
  run(turn: Turn, args: string): Promise<CommandResult>;
}

/** Named pieces of TypeScript that flows refer to; each capability registers its own. */
export class Registry {
  readonly actions = new Map<string, Action>();
  readonly choiceProviders = new Map<string, ChoiceProvider>();
  readonly validators = new Map<string, Validator>();
  readonly inputKinds = new Map<string, InputKind<never>>();
  readonly commands = new Map<string, Command>();

  private add<T>(map: Map<string, T>, what: string, name: string, value: T): void {
    if (map.has(name)) throw new Error(`${what} "${name}" is registered twice`);
    map.set(name, value);
  }

  action(name: string, fn: Action): this {
    this.add(this.actions, 'action', name, fn);
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

  command(cmd: Command): this {
    this.add(this.commands, 'command', cmd.name, cmd);
    return this;
  }
}
