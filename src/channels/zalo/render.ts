import { mediaReachable, type Reply } from '../../core/message.js';
import type { Translate } from '../../i18n/index.js';

/** Longest text one OA message may carry (Zalo documents 2,000 characters). */
export const ZALO_TEXT_LIMIT = 2000;

/**
 * Who reads the message: a reply to someone who just wrote (their chat waits at the step whose
 * choices these are), or a proactive message (their chat is elsewhere, so a number would answer
 * the wrong question).
 */
export type RenderMode = 'reply' | 'proactive';

/**
 * Zalo v3 text has no buttons. A choice whose value is a command (an offer beside the question, a
 * reminder's "Đã nộp") is shown as words to type, never as a number, since a number answers the
 * question the chat waits at: its label when typing the label does the same (short enough for a
 * cheap phone), else the command. In a reply the other choices are that question's: a numbered list with a line saying how to
 * answer (the engine takes the number or the label). In a proactive message they are plain items.
 * Links are written out, and so are media at web addresses; files cannot be attached, so their reply
 * shows its text only.
 */
export function renderReply(reply: Reply, t: Translate, mode: RenderMode): string {
  const parts = [reply.text.trim()];
  if (reply.link) parts.push(`${reply.link.label}: ${reply.link.url}`);
  for (const m of reply.media ?? []) if (mediaReachable(m, 'zalo')) parts.push(`📎 ${m.caption ? `${m.caption}: ` : ''}${m.fileId}`);
  const choices = reply.choices ?? [];
  const commands = choices.filter((c) => c.value.startsWith('/'));
  const answers = choices.filter((c) => !c.value.startsWith('/'));
  if (answers.length && mode === 'reply') {
    parts.push(answers.map((c, i) => `${i + 1}. ${c.label}`).join('\n'));
    parts.push(t('zalo.choose', { numbers: answers.map((_, i) => i + 1).join(', ') }));
  } else if (answers.length) parts.push(answers.map((c) => `• ${c.label}`).join('\n'));
  const typed = commands.filter((c) => c.typed);
  const spelled = commands.filter((c) => !c.typed);
  if (typed.length) parts.push(t('zalo.type_words', { words: typed.map((c) => c.label).join(' / ') }));
  if (spelled.length) parts.push(spelled.map((c) => t('zalo.command', { label: c.label, command: c.value })).join('\n'));
  return parts.filter(Boolean).join('\n\n');
}

/** A turn's replies as the OA messages to send, in order, each within the limit. */
export function renderReplies(replies: Reply[], t: Translate, mode: RenderMode, limit = ZALO_TEXT_LIMIT): string[] {
  return splitText(replies.map((r) => renderReply(r, t, mode)).filter(Boolean).join('\n\n'), limit);
}

/** Splits at paragraphs, then lines, then spaces, and only cuts a word that alone exceeds the limit. */
export function splitText(text: string, limit = ZALO_TEXT_LIMIT): string[] {
  return pack(text, ['\n\n', '\n', ' '], limit)
    .map((m) => m.trim())
    .filter(Boolean);
}

function pack(text: string, separators: string[], limit: number): string[] {
  if (text.length <= limit) return [text];
  const [sep, ...finer] = separators;
  if (sep === undefined) return cut(text, limit);
  const out: string[] = [];
  let current = '';
  for (const unit of text.split(sep)) {
    for (const piece of pack(unit, finer, limit)) {
      if (current && current.length + sep.length + piece.length > limit) {
        out.push(current);
        current = piece;
      } else current = current ? current + sep + piece : piece;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Hard cuts, never between the two halves of a surrogate pair (an emoji). */
function cut(text: string, limit: number): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(at + limit, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}
