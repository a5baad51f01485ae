import type { CliIO, CliMain } from '../../src/core/cli.js';

/** What a command printed, as the process's streams would hold it, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command's `main` in this process, as `npm run …` runs it in its own; `stdin` is its input. */
export async function runCli(main: CliMain, argv: readonly string[], env: NodeJS.ProcessEnv = process.env, stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  // As readline gives them: a last newline ends a line rather than starting an empty one.
  const lines = stdin.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const io: CliIO = {
    out: (line) => void (stdout += line + '\n'),
    err: (line) => void (stderr += line + '\n'),
    input: async function* () {
      yield* lines;
    },
  };
  const code = await main(argv, io, env);
  return { code, stdout, stderr };
}
