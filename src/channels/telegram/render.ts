import { escapeHtml } from '../../core/html.js';
import { mediaReachable, type Media, type Reply } from '../../core/message.js';
import { splitText } from './split.js';

export type Button = { text: string; callback_data: string } | { text: string; url: string };

/** One Bot API call that shows part of a reply. Text is HTML, already escaped. */
export type Outgoing =
  | { method: 'sendMessage'; html: string; keyboard?: Button[][] }
  | { method: 'sendDocument'; name: string; mime: string; content: string }
  /** A photo or file sent before, by its Telegram file id or a web address; plain caption. */
  | { method: 'sendMedia'; kind: Media['kind']; file: string; caption?: string };

/** Labels up to this long sit two to a row; longer ones get a row each so cheap phones show them whole. */
const SHORT_LABEL = 18;

function rowsOf(buttons: Button[]): Button[][] {
  const perRow = buttons.every((b) => b.text.length <= SHORT_LABEL) ? 2 : 1;
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}

/** Telegram refuses a URL button to anything but a public web address (the default calendar base is the bot's own http://127.0.0.1:3000). */
function isPublicWebUrl(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return ['http:', 'https:'].includes(protocol) && !/^(localhost|127\.|0\.0\.0\.0|\[::1?\]|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(hostname);
  } catch {
    return false;
  }
}

/**
 * Turns replies into Bot API calls, for answers and proactive messages alike: text in HTML parse mode
 * with everything escaped (replies are plain text, some of it typed by people), split at Telegram's
 * length limit on paragraph breaks, choices as an inline keyboard under the last piece, a link as a
 * URL button, a file as a document after its text, then the media Telegram can fetch (its own file ids
 * or web addresses; others are described in the text already).
 */
export async function render(replies: Reply[], encodeChoice: (value: string) => Promise<string>): Promise<Outgoing[]> {
  const out: Outgoing[] = [];
  for (const reply of replies) {
    let text = reply.text;
    const rows: Button[][] = [];
    if (reply.link) {
      if (isPublicWebUrl(reply.link.url)) rows.push([{ text: reply.link.label, url: reply.link.url }]);
      // Anything else is shown as text.
      else text = `${text}\n\n${reply.link.label}: ${reply.link.url}`;
    }
    if (reply.choices?.length) {
      const data = await Promise.all(reply.choices.map((c) => encodeChoice(c.value)));
      rows.push(...rowsOf(reply.choices.map((c, i) => ({ text: c.label, callback_data: data[i] as string }))));
    }
    // A keyboard needs a message to hang on, even under a reply with no words.
    const pieces = text.trim() ? splitText(text) : rows.length ? ['…'] : [];
    pieces.forEach((piece, i) => {
      const last = i === pieces.length - 1;
      out.push({ method: 'sendMessage', html: escapeHtml(piece), ...(last && rows.length ? { keyboard: rows } : {}) });
    });
    if (reply.file) out.push({ method: 'sendDocument', ...reply.file });
    for (const m of reply.media ?? [])
      if (mediaReachable(m, 'telegram')) out.push({ method: 'sendMedia', kind: m.kind, file: m.fileId, ...(m.caption ? { caption: m.caption } : {}) });
  }
  return out;
}
