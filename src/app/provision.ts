/**
 * Something one capability puts on the app for others (its reminders, the outbound queue), named so
 * that start-up can say what is missing, and typed so that whoever takes it gets what was put.
 */
export class Provision<T> {
  /** Only for the type: a provision of T hands out a T. */
  declare readonly of: T;

  constructor(readonly name: string) {}
}

interface Declares {
  name: string;
  provides?: readonly Provision<unknown>[];
  needs?: readonly Provision<unknown>[];
}

/**
 * The capabilities in the order they register: each after those providing what it needs, otherwise
 * in the order given. Fails before any registers when a need has no provider or needs go round in a circle.
 */
export function orderByNeeds<C extends Declares>(capabilities: readonly C[]): C[] {
  const providers = new Map<Provision<unknown>, C>();
  for (const c of capabilities) {
    for (const p of c.provides ?? []) {
      const other = providers.get(p);
      if (other) throw new Error(`capabilities "${other.name}" and "${c.name}" both provide "${p.name}"`);
      providers.set(p, c);
    }
  }
  for (const c of capabilities) {
    for (const p of c.needs ?? []) {
      if (!providers.has(p)) throw new Error(`capability "${c.name}" needs "${p.name}", which no capability provides: add the one that does`);
    }
  }
  const ordered: C[] = [];
  const placed = new Set<C>();
  const left = [...capabilities];
  while (left.length) {
    const at = left.findIndex((c) => (c.needs ?? []).every((p) => placed.has(providers.get(p) as C)));
    if (at < 0) throw new Error(`capabilities ${left.map((c) => `"${c.name}"`).join(', ')} need each other in a circle`);
    const [next] = left.splice(at, 1) as [C];
    ordered.push(next);
    placed.add(next);
  }
  return ordered;
}
