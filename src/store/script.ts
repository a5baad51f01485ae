import { createHash } from 'node:crypto';
import type { Redis } from './redis.js';

type Call = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Every script of the bot: a client made by the connection factory gets them all before its first command. */
const scripts: Script[] = [];

/**
 * A Lua script run through ioredis `defineCommand`, which sends EVALSHA and falls back to EVAL on a
 * server (or cluster node) that has not seen it yet. Define each script once, at module level, in the
 * module that owns the keys it touches.
 */
export class Script {
  private readonly command: string;

  constructor(
    name: string,
    private readonly keys: number,
    private readonly lua: string,
  ) {
    // The hash keeps two scripts that share a name (or an edited script and its old self) apart.
    this.command = `${name}_${createHash('sha1').update(lua).digest('hex').slice(0, 8)}`;
    scripts.push(this);
  }

  /**
   * An auto-pipelined client copies its commands into each pipeline when the pipeline starts, so a
   * command defined while one is open would be missing from it (ioredis #1931). The factory defines
   * every script up front; a client made elsewhere (a test's, a tool's) defines it at first use and
   * sends it outside the pipeline.
   */
  define(redis: Redis, upFront: boolean): Call {
    const commands = redis as unknown as Record<string, Call | undefined>;
    const defined = commands[this.command];
    if (defined) return defined;
    redis.defineCommand(this.command, { numberOfKeys: this.keys, lua: this.lua });
    if (!upFront) (redis.options.autoPipeliningIgnoredCommands ??= []).push(this.command);
    return commands[this.command] as Call;
  }

  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[] = []): Promise<unknown> {
    if (keys.length !== this.keys) throw new Error(`script ${this.command} takes ${this.keys} keys, not ${keys.length}`);
    return this.define(redis, false).call(redis, ...keys, ...args);
  }
}

/** Defines every script on a new client, before any pipeline of its exists. */
export function defineScripts(redis: Redis): Redis {
  for (const s of scripts) s.define(redis, true);
  return redis;
}
