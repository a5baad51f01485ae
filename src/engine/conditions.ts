import type { Condition } from './flow-schema.js';
import { getPath } from './data-path.js';
import type { Turn } from './turn.js';

function variable(turn: Turn, path: string): unknown {
  switch (path) {
    case '$lang':
      return turn.lang;
    case '$channel':
      return turn.channel;
    case '$chat':
      return turn.inbound.chat;
    default:
      return getPath(turn.data, path);
  }
}

export async function evaluate(cond: Condition, turn: Turn): Promise<boolean> {
  if ('all' in cond) {
    for (const c of cond.all) if (!(await evaluate(c, turn))) return false;
    return true;
  }
  if ('any' in cond) {
    for (const c of cond.any) if (await evaluate(c, turn)) return true;
    return false;
  }
  if ('not' in cond) return !(await evaluate(cond.not, turn));
  if ('role' in cond) return turn.hasRole(...(Array.isArray(cond.role) ? cond.role : [cond.role]));
  if ('chat' in cond) return turn.inbound.chat === cond.chat;
  const v = variable(turn, cond.var);
  if (cond.exists !== undefined) return (v !== undefined && v !== null && v !== '') === cond.exists;
  if ('eq' in cond) return v === cond.eq;
  if ('ne' in cond) return v !== cond.ne;
  if (cond.in) return cond.in.includes(v);
  if (typeof v !== 'number') return false;
  if (cond.gt !== undefined) return v > cond.gt;
  if (cond.gte !== undefined) return v >= cond.gte;
  if (cond.lt !== undefined) return v < cond.lt;
  if (cond.lte !== undefined) return v <= cond.lte;
  return false;
}
