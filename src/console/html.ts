import { escapeHtml } from '../core/html.js';

/** Markup that is already safe: what `html` returns, and what it inserts as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/**
 * Console markup: every value put into the template is escaped unless it is itself `html` (arrays are
 * joined, null, undefined and false leave nothing), so a name or a reason typed by someone cannot
 * become markup.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i] as Part) : ''), ''));
}
