import { mediaReachable, type Reply } from '../../core/message.js';
import type { HistoryEntry } from './history.js';
import type { WebUploads } from './uploads.js';

export interface PageMedia {
  kind: string;
  url: string;
  caption?: string;
}

export interface PageMessage {
  text: string;
  choices: { label: string; value: string }[];
  link?: { label: string; url: string };
  file?: { name: string; mime: string; content: string };
  media?: PageMedia[];
  /** The answer's source ("Nguồn: …"), shown as a small card under it. */
  cite?: string;
  /** Another person's data, not kept in the history: the page says so where it stood. */
  personal?: boolean;
  /** What follows the source (the next question). */
  after?: string;
}

/**
 * Turns the core's replies into what the page draws: files uploaded here get fresh signed links,
 * other platforms' file ids are left out, and an answer's closing citation is set apart.
 */
export class WebRenderer {
  constructor(
    private readonly uploads: WebUploads,
    private readonly citePrefixes: string[],
  ) {}

  async reply(r: Reply, now: number): Promise<PageMessage> {
    const media: PageMedia[] = [];
    for (const m of r.media ?? []) {
      if (m.channel === 'web' && this.uploads.isUploadId(m.fileId)) media.push({ kind: m.kind, url: await this.uploads.link(m.fileId, now), ...(m.caption ? { caption: m.caption } : {}) });
      else if (mediaReachable(m, 'web') && /^https?:\/\//.test(m.fileId)) media.push({ kind: m.kind, url: m.fileId, ...(m.caption ? { caption: m.caption } : {}) });
    }
    const { text, cite, after } = this.splitCitation(r.text);
    return {
      text,
      ...(r.personal ? { personal: true } : {}),
      choices: (r.choices ?? []).map(({ label, value }) => ({ label, value })),
      ...(r.link ? { link: r.link } : {}),
      ...(r.file ? { file: r.file } : {}),
      ...(media.length ? { media } : {}),
      ...(cite ? { cite } : {}),
      ...(after ? { after } : {}),
    };
  }

  async replies(replies: Reply[], now: number): Promise<PageMessage[]> {
    return Promise.all(replies.map((r) => this.reply(r, now)));
  }

  async history(entries: HistoryEntry[], now: number): Promise<(PageMessage & { from: 'user' | 'bot'; at: number })[]> {
    return Promise.all(entries.map(async (e) => ({ from: e.from, at: e.at, ...(await this.reply(e, now)) })));
  }

  /** The paragraph that names the source, if any, with what comes before and after it. */
  private splitCitation(text: string): { text: string; cite?: string; after?: string } {
    const paragraphs = text.split('\n\n');
    const at = paragraphs.findIndex((p, i) => i > 0 && !p.includes('\n') && this.citePrefixes.some((prefix) => p.startsWith(prefix)));
    if (at < 0) return { text };
    const after = paragraphs.slice(at + 1).join('\n\n');
    return { text: paragraphs.slice(0, at).join('\n\n'), cite: paragraphs[at] as string, ...(after ? { after } : {}) };
  }
}
