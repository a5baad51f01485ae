/**
 * The project's commands (`npm run admin`, `ask`, `qa:tune`, `flows:check`) as functions: each exports
 * `main(argv, io, env)` returning its exit code, so tests run it in-process; only a module started as
 * the process runs it on the real streams.
 */
import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What a command prints to, one line per call. */
export interface LineOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface CliIO extends LineOutput {
  /** Standard input, line by line; only commands that take input read it. */
  input(): AsyncIterable<string>;
}

export type CliMain = (argv: readonly string[], io: CliIO, env: NodeJS.ProcessEnv) => Promise<number>;

const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  input: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
};

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** Runs `main` on the process's arguments, streams and environment when `moduleUrl` is the entry point. */
export async function runIfEntry(moduleUrl: string, main: CliMain): Promise<void> {
  const entry = process.argv[1];
  if (!entry || !samePath(entry, fileURLToPath(moduleUrl))) return;
  const code = await main(process.argv.slice(2), processIO, process.env).catch((err: unknown) => {
    processIO.err(err instanceof Error ? err.message : String(err));
    return 1;
  });
  // A finished command must not wait on open handles (a Redis client's reconnect timer, a queue's).
  process.exit(code);
}
