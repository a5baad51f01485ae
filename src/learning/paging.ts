import type { Choice } from '../core/message.js';
import type { Turn } from '../engine/turn.js';

/** Short pages for small screens. */
const PAGE_SIZE = 5;

export interface Page<T> {
  index: number;
  pages: number;
  items: T[];
}

/** The page that a flow's session part points at, kept within the list, and that page's items. */
export function pageOf<T>(all: T[], part: Record<string, unknown>): Page<T> {
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  const index = Math.min(Math.max(0, Number(part.page) || 0), pages - 1);
  part.page = index;
  return { index, pages, items: all.slice(index * PAGE_SIZE, (index + 1) * PAGE_SIZE) };
}

/** A page's choices, then "more" (the next page, wrapping round) when there are several, and "back". */
export function withPaging(turn: Turn, choices: Choice[], page: Page<unknown>, namespace: 'learning' | 'review'): Choice[] {
  const { index, pages } = page;
  const extra: Choice[] = [];
  if (pages > 1) extra.push({ value: 'more', label: turn.t(`${namespace}.choice.more`, { page: ((index + 1) % pages) + 1 }) });
  extra.push({ value: 'back', label: turn.t(`${namespace}.choice.back`) });
  return [...choices, ...extra];
}
