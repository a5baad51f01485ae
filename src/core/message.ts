import { z } from 'zod';
import { languageSchema } from '../i18n/index.js';
import { stripInvisible } from './invisible.js';

export const CHANNELS = ['web', 'telegram', 'zalo'] as const;
export const channelSchema = z.enum(CHANNELS);
export type ChannelName = z.infer<typeof channelSchema>;

/** The platform's id (web ids up to 128 characters) after its channel name. */
export const USER_ID_MAX = 160;
/** A person is "<channel>:<id as the platform gives it>"; ids stay strings (Zalo ids exceed 2^53). */
export const userIdSchema = z
  .string()
  .max(USER_ID_MAX, `a user id of at most ${USER_ID_MAX} characters`)
  .regex(/^(web|telegram|zalo):[^\s:][^\s]*$/, 'expected "<channel>:<id>"');
export type UserId = z.infer<typeof userIdSchema>;

export function userId(channel: ChannelName, nativeId: string): UserId {
  return `${channel}:${nativeId}`;
}

export function splitUserId(id: UserId): { channel: ChannelName; nativeId: string } {
  const at = id.indexOf(':');
  return { channel: channelSchema.parse(id.slice(0, at)), nativeId: id.slice(at + 1) };
}

/** A file the user sent in the chat, kept by the platform's own id. */
export const attachmentSchema = z.object({
  kind: z.enum(['photo', 'document', 'audio', 'video']),
  fileId: z.string().min(1).max(512),
  mime: z.string().max(128).optional(),
  /** A file's name is shown to officers: no invisible characters that turn it around (see stripInvisible). */
  name: z.string().max(256).transform(stripInvisible).optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const inboundSchema = z.object({
  user: userIdSchema,
  /** What the user typed; absent when they pressed a button or sent only a file. */
  text: z.string().optional(),
  /** The value of a pressed choice button. */
  choice: z.string().max(256).optional(),
  attachment: attachmentSchema.optional(),
  /** The client's language, used for a person the bot has not met before. */
  langHint: languageSchema.optional(),
  /** Group chats get commands and mentions only, and no personal-data flows. */
  chat: z.enum(['private', 'group']).default('private'),
});
export type Inbound = z.input<typeof inboundSchema>;
export type ParsedInbound = z.output<typeof inboundSchema>;

export const choiceSchema = z.object({
  label: z.string(),
  value: z.string(),
  /**
   * Typing the label does what pressing does (the label is the command's alias, which acts on the latest
   * such message), so a channel without buttons shows the label to type instead of the command.
   */
  typed: z.boolean().optional(),
});
export type Choice = z.infer<typeof choiceSchema>;

/**
 * A photo or file a person sent earlier, shown again (an officer reviewing evidence). Only its own
 * platform can fetch a file id; a URL (Zalo gives URLs) can be shown anywhere.
 */
export const mediaSchema = z.object({
  kind: attachmentSchema.shape.kind,
  fileId: z.string().min(1).max(2048),
  channel: channelSchema,
  caption: z.string().max(300).optional(),
});
export type Media = z.infer<typeof mediaSchema>;

/** Whether a channel can show this media: its own file ids, or a web address anywhere. */
export function mediaReachable(media: Media, channel: ChannelName): boolean {
  return media.channel === channel || /^https?:\/\//.test(media.fileId);
}

export const replySchema = z.object({
  text: z.string(),
  choices: z.array(choiceSchema).optional(),
  link: z.object({ label: z.string(), url: z.string() }).optional(),
  /** A file to send along (e.g. an iCalendar export); channels that cannot attach show the text only. */
  file: z.object({ name: z.string(), mime: z.string(), content: z.string() }).optional(),
  /** Photos or files to show after the text, where the channel can. */
  media: z.array(mediaSchema).optional(),
  /**
   * Shows another person's data (an officer reading a citizen's file): channels show it but keep no
   * copy (the web chat's history), so that person's erasure leaves nothing behind.
   */
  personal: z.boolean().optional(),
});
export type Reply = z.infer<typeof replySchema>;
