import { html, type SafeHtml } from '../console/html.js';
import type { Translate } from '../i18n/index.js';

/** The outcomes the chart shows, each with its bar colour. */
export const CHART_STATUSES = [
  ['sent', '#1f6f2b'],
  ['failed', '#a61b1b'],
  ['blocked', '#8a5a00'],
  ['opted_out', '#5b6776'],
  ['undeliverable', '#6b3fa0'],
] as const;

const WIDTH = 640;
const LABEL = 190;
const BAR = 26;
const GAP = 10;

/**
 * A broadcast's delivery report as a horizontal bar chart: drawn on the server as SVG (the console runs
 * no chart script, and its CSP allows none inline), each bar as long as its share of the recipients,
 * with its count written beside it, so it reads without colour too.
 */
export function deliveryChart(counts: Record<string, number>, recipients: number, t: Translate): SafeHtml {
  const room = WIDTH - LABEL - 70;
  const most = Math.max(recipients, ...CHART_STATUSES.map(([s]) => counts[s] ?? 0), 1);
  const height = CHART_STATUSES.length * (BAR + GAP) + GAP;
  const bars = CHART_STATUSES.map(([status, colour], i) => {
    const n = counts[status] ?? 0;
    const y = GAP + i * (BAR + GAP);
    const width = Math.round((n / most) * room);
    return html`<g data-status="${status}" data-count="${n}"><text x="0" y="${y + BAR * 0.68}">${t(`boards.broadcasts.status.${status}`)}</text>
<rect x="${LABEL}" y="${y}" width="${width}" height="${BAR}" rx="3" fill="${colour}"></rect>
<text x="${LABEL + width + 6}" y="${y + BAR * 0.68}">${n}</text></g>`;
  });
  return html`<svg class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg" aria-label="${t('boards.broadcasts.chart_label', { n: recipients })}">${bars}</svg>`;
}
