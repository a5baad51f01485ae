import type { LineOutput } from '../core/cli.js';

/** What an operator's command prints to; tests capture it. */
export type AdminIO = LineOutput;

/** Says what is wrong with the command's arguments; exit code 2, as for any usage error. */
export function usageError(io: Pick<AdminIO, 'err'>, message: string): number {
  io.err(message);
  return 2;
}

export interface AdminCommand {
  /** One or two words: "invite", "export learning", "reminders preview". */
  name: string;
  usage: string;
  /** Reads only the data files, not Redis: runs without REDIS_URL. */
  dataOnly?: boolean;
  /** Returns the process exit code. */
  run(args: string[], io: AdminIO): Promise<number>;
}

/** `npm run admin -- <command>`: each capability adds its own operator commands. */
export class AdminCommands {
  private readonly commands = new Map<string, AdminCommand>();

  add(cmd: AdminCommand): void {
    if (this.commands.has(cmd.name)) throw new Error(`admin command "${cmd.name}" is registered twice`);
    this.commands.set(cmd.name, cmd);
  }

  /** The longest command name that the arguments start with. */
  find(argv: readonly string[]): { cmd: AdminCommand; args: string[] } | undefined {
    for (const words of [2, 1]) {
      const cmd = this.commands.get(argv.slice(0, words).join(' '));
      if (cmd) return { cmd, args: argv.slice(words) };
    }
    return undefined;
  }

  usage(): string[] {
    return [...this.commands.values()].map((c) => `  ${c.usage}`).sort();
  }
}
