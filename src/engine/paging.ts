import type { Choice } from '../core/message.js';
import type { Turn } from './turn.js';

/** Short pages for small screens. */
const PAGE_SIZE = 5;

export interface Page<T> {
  index: number;
  pages: number;
  items: T[];
}

/** Where a flow keeps the page it shows: a `page` field of its data (see FlowData). */
interface PageHolder {
  read(turn: Turn): { page?: number };
  update(turn: Turn, patch: { page?: number }): unknown;
}

/**
 * A list offered a page at a time, with "more" (the next page, wrapping round) and "back" after the
 * page's items: the activity log and the review queue. The texts are `<namespace>.choice.more` (with
 * {{page}}) and `<namespace>.choice.back`.
 */
export class PagedList {
  constructor(
    private readonly data: PageHolder,
    private readonly namespace: string,
  ) {}

  /** The page the flow's data points at, kept within the list, and that page's items. */
  page<T>(turn: Turn, all: T[]): Page<T> {
    const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    const index = Math.min(Math.max(0, this.data.read(turn).page ?? 0), pages - 1);
    return { index, pages, items: all.slice(index * PAGE_SIZE, (index + 1) * PAGE_SIZE) };
  }

  /** A page's choices, then "more" when there are several pages, and "back". */
  choices(turn: Turn, choices: Choice[], page: Page<unknown>): Choice[] {
    const { index, pages } = page;
    const extra: Choice[] = [];
    if (pages > 1) extra.push({ value: 'more', label: turn.t(`${this.namespace}.choice.more`, { page: ((index + 1) % pages) + 1 }) });
    extra.push({ value: 'back', label: turn.t(`${this.namespace}.choice.back`) });
    return [...choices, ...extra];
  }

  /** What a pick means: "more" turns the page, "back" leaves the list (forgetting the page), anything else is an item. */
  pick(turn: Turn, value: string, page: Page<unknown>): 'more' | 'back' | 'item' {
    if (value === 'more') {
      this.data.update(turn, { page: (page.index + 1) % page.pages });
      return 'more';
    }
    if (value === 'back') {
      this.data.update(turn, { page: undefined });
      return 'back';
    }
    return 'item';
  }
}
