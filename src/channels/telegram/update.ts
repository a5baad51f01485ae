import { z } from 'zod';
import type { Attachment, Inbound } from '../../core/message.js';
import { LANGUAGES, type Language } from '../../i18n/index.js';

/*
 * The parts of a Bot API Update that the bot reads, and only those: unknown fields are kept (Telegram
 * adds fields over time) and a field the bot does not read may be missing (Bot API emulators leave
 * some out); a field the bot reads with the wrong type makes the whole update invalid.
 */
const id = z.number().int().safe();

const userSchema = z.looseObject({
  id,
  is_bot: z.boolean().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

const chatSchema = z.looseObject({
  id,
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
});

const fileSchema = z.looseObject({
  file_id: z.string().min(1),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});

const messageSchema = z.looseObject({
  from: userSchema.optional(),
  chat: chatSchema,
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(fileSchema).optional(),
  document: fileSchema.optional(),
  audio: fileSchema.optional(),
  voice: fileSchema.optional(),
  video: fileSchema.optional(),
  video_note: fileSchema.optional(),
  reply_to_message: z.looseObject({ from: userSchema.optional() }).optional(),
});

/** Of the message a button hangs under, only its chat is read (some Bot API servers send no message_id). */
const callbackQuerySchema = z.looseObject({
  id: z.string().min(1),
  from: userSchema,
  message: z.looseObject({ chat: chatSchema }).optional(),
  data: z.string().optional(),
});

const chatMemberUpdateSchema = z.looseObject({
  chat: chatSchema,
  from: userSchema,
  new_chat_member: z.looseObject({ status: z.string() }),
});

export const updateSchema = z.looseObject({
  update_id: z.number().int().nonnegative().safe(),
  message: messageSchema.optional(),
  callback_query: callbackQuerySchema.optional(),
  my_chat_member: chatMemberUpdateSchema.optional(),
});
export type TelegramUpdate = z.infer<typeof updateSchema>;
type TelegramMessage = z.infer<typeof messageSchema>;
type TelegramUser = z.infer<typeof userSchema>;

/** The update kinds the bot asks Telegram for (setWebhook, getUpdates). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** Who the bot is, from getMe: group messages count only when they name it. */
export interface BotIdentity {
  id: number;
  username: string;
}

/** What one update asks of the bot. */
export type Incoming =
  | { kind: 'message'; user: string; chatId: number; inbound: Inbound }
  | {
      kind: 'callback';
      user: string;
      chatId: number;
      callbackId: string;
      data: string | undefined;
      /** The inbound message without its choice, which comes from the button's data. */
      inbound: Omit<Inbound, 'choice'>;
    }
  /** The person blocked the bot (kicked it from their private chat). */
  | { kind: 'blocked'; user: string }
  | { kind: 'ignored'; reason: string };

export function langHint(from: TelegramUser): Language | undefined {
  const primary = from.language_code?.toLowerCase().split('-')[0];
  return LANGUAGES.find((l) => l === primary);
}

function attachmentOf(m: TelegramMessage): Attachment | undefined {
  const largest = m.photo?.at(-1);
  if (largest) return { kind: 'photo', fileId: largest.file_id, mime: 'image/jpeg' };
  const file = (kind: Attachment['kind'], f: z.infer<typeof fileSchema>, mime?: string): Attachment => ({
    kind,
    fileId: f.file_id,
    ...(f.mime_type ?? mime ? { mime: f.mime_type ?? mime } : {}),
    ...(f.file_name ? { name: f.file_name } : {}),
  });
  if (m.document) return file('document', m.document);
  if (m.audio) return file('audio', m.audio);
  if (m.voice) return file('audio', m.voice, 'audio/ogg');
  if (m.video) return file('video', m.video);
  if (m.video_note) return file('video', m.video_note, 'video/mp4');
  return undefined;
}

/**
 * In a group the bot hears only what is meant for it: a command (for it, or for no bot in
 * particular), a message that names it, or a reply to one of its messages. Its name is taken out of
 * the text so that "@bot 2" reads as "2".
 */
function addressedText(text: string, m: TelegramMessage, me: BotIdentity): string | undefined {
  const mention = `@${me.username.replace(/\W/g, '')}\\b`;
  const command = /^\/[A-Za-z0-9_]+(?:@(\w+))?/.exec(text);
  if (command) return command[1] === undefined || command[1].toLowerCase() === me.username.toLowerCase() ? text : undefined;
  if (new RegExp(mention, 'i').test(text)) return text.replace(new RegExp(mention, 'gi'), '').trim();
  if (m.reply_to_message?.from?.id === me.id) return text;
  return undefined;
}

/** Turns an update into what the bot has to do with it; anything not meant for the bot is ignored. */
export function toIncoming(update: TelegramUpdate, me: BotIdentity): Incoming {
  const m = update.message;
  if (m) {
    if (!m.from || m.from.is_bot) return { kind: 'ignored', reason: 'not from a person' };
    if (m.chat.type === 'channel') return { kind: 'ignored', reason: 'channel post' };
    const group = m.chat.type !== 'private';
    let text = m.text ?? m.caption;
    if (group) {
      text = addressedText(text ?? '', m, me);
      if (text === undefined) return { kind: 'ignored', reason: 'group message not for the bot' };
    }
    const attachment = attachmentOf(m);
    const hint = langHint(m.from);
    return {
      kind: 'message',
      user: `telegram:${m.from.id}`,
      chatId: m.chat.id,
      inbound: {
        user: `telegram:${m.from.id}`,
        ...(text !== undefined ? { text } : {}),
        ...(attachment ? { attachment } : {}),
        ...(hint ? { langHint: hint } : {}),
        chat: group ? 'group' : 'private',
      },
    };
  }
  const cb = update.callback_query;
  if (cb) {
    if (cb.from.is_bot) return { kind: 'ignored', reason: 'not from a person' };
    const chat = cb.message?.chat;
    const hint = langHint(cb.from);
    return {
      kind: 'callback',
      user: `telegram:${cb.from.id}`,
      chatId: chat?.id ?? cb.from.id,
      callbackId: cb.id,
      data: cb.data,
      inbound: {
        user: `telegram:${cb.from.id}`,
        ...(hint ? { langHint: hint } : {}),
        chat: chat && chat.type !== 'private' ? 'group' : 'private',
      },
    };
  }
  const member = update.my_chat_member;
  if (member && member.chat.type === 'private' && member.new_chat_member.status === 'kicked')
    return { kind: 'blocked', user: `telegram:${member.from.id}` };
  return { kind: 'ignored', reason: 'update kind the bot does not use' };
}
