import { z } from 'zod';
import { setPath } from './data-path.js';
import type { Turn } from './turn.js';

/**
 * What one or more flows collect, declared once beside their actions: a zod object kept in the session
 * under `key` (the first part of every `save:` path of those flows). Steps save through it and actions
 * read and write through it, so a value of the wrong type never reaches the session.
 */
export class FlowData<S extends z.ZodObject = z.ZodObject> {
  constructor(
    /** The session key, and the first part of the flows' `save:` paths. */
    readonly key: string,
    readonly schema: S,
    /** The flows that collect it. */
    readonly flows: readonly string[],
  ) {
    if (!schema.safeParse({}).success) throw new Error(`flow data "${key}": every field must be optional or have a default`);
  }

  /**
   * The data as the schema reads it. A session kept from before a release that changed the shape starts
   * the data afresh (as `{}` reads) rather than misreading it.
   */
  read(turn: Turn): z.infer<S> {
    const parsed = this.schema.safeParse(turn.data[this.key] ?? {});
    if (parsed.success) return parsed.data;
    turn.deps.log.warn({ data: this.key, at: parsed.error.issues[0]?.path.join('.') }, 'flow data did not fit its schema: started afresh');
    return this.schema.parse({});
  }

  /** Replaces the data; a value that does not fit throws before anything changes. */
  write(turn: Turn, value: z.input<S>): void {
    turn.data[this.key] = this.schema.parse(value);
  }

  /** Changes some fields, keeping the rest. */
  update(turn: Turn, patch: Partial<z.input<S>>): z.infer<S> {
    const next = this.schema.parse({ ...this.read(turn), ...patch });
    turn.data[this.key] = next;
    return next;
  }

  clear(turn: Turn): void {
    delete turn.data[this.key];
  }

  /**
   * What a step's `save:` does: the answer at `path` (under the key), checked with the rest (as `read`
   * reads it, so a stale session cannot block every answer). On a value of the wrong type it says which
   * field and keeps the data as it was.
   */
  save(turn: Turn, path: string, value: unknown): { ok: true } | { ok: false; field: string } {
    const draft: Record<string, unknown> = { [this.key]: structuredClone(this.read(turn)) };
    setPath(draft, path, value);
    const parsed = this.schema.safeParse(draft[this.key]);
    if (!parsed.success) return { ok: false, field: parsed.error.issues[0]?.path.join('.') || path };
    turn.data[this.key] = parsed.data;
    return { ok: true };
  }

  /** Whether `path` (after the key) names a field of the schema; for `flows:check`. */
  declares(path: string): boolean {
    let node: z.ZodType = this.schema;
    for (const part of path.split('.').slice(1)) {
      node = unwrap(node);
      if (node instanceof z.ZodObject) {
        const next = (node.shape as Record<string, z.ZodType>)[part];
        if (!next) return false;
        node = next;
      } else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
      else return false;
    }
    return true;
  }
}

function unwrap(t: z.ZodType): z.ZodType {
  let node = t;
  while (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodNullable || node instanceof z.ZodCatch)
    node = node.unwrap() as z.ZodType;
  return node;
}
