import { describe, expect, it } from 'vitest';
import { toIncoming, updateSchema, type BotIdentity } from '../../../src/channels/telegram/update.js';

const me: BotIdentity = { id: 999, username: 'xhht_bot' };
const person = { id: 42, is_bot: false, first_name: 'Lan', language_code: 'en-US' };
const privateChat = { id: 42, type: 'private' };
const group = { id: -1001, type: 'supergroup' };

const message = (fields: Record<string, unknown>, chat: object = privateChat) =>
  updateSchema.parse({ update_id: 1, message: { message_id: 5, date: 0, from: person, chat, ...fields } });

describe('Telegram updates as inbound messages', () => {
  it('reads text, the person and their language', () => {
    expect(toIncoming(message({ text: 'xin chào' }), me)).toEqual({
      kind: 'message',
      user: 'telegram:42',
      chatId: 42,
      inbound: { user: 'telegram:42', text: 'xin chào', langHint: 'en', chat: 'private' },
    });
  });

  it('gives no language hint for languages the bot does not speak', () => {
    const u = updateSchema.parse({ update_id: 1, message: { message_id: 5, date: 0, from: { ...person, language_code: 'fr' }, chat: privateChat, text: 'x' } });
    expect(toIncoming(u, me)).toMatchObject({ kind: 'message', inbound: { text: 'x' } });
    expect(toIncoming(u, me)).not.toHaveProperty('inbound.langHint');
  });

  it('keeps a photo (largest size), a document and a voice note by file_id, with the caption as text', () => {
    const photo = toIncoming(message({ caption: 'minh chứng', photo: [{ file_id: 'small', width: 90, height: 90 }, { file_id: 'big', width: 1280, height: 960 }] }), me);
    expect(photo).toMatchObject({ inbound: { text: 'minh chứng', attachment: { kind: 'photo', fileId: 'big', mime: 'image/jpeg' } } });
    const doc = toIncoming(message({ document: { file_id: 'doc1', file_name: 'chung-chi.pdf', mime_type: 'application/pdf' } }), me);
    expect(doc).toMatchObject({ inbound: { attachment: { kind: 'document', fileId: 'doc1', mime: 'application/pdf', name: 'chung-chi.pdf' } } });
    const voice = toIncoming(message({ voice: { file_id: 'v1' } }), me);
    expect(voice).toMatchObject({ inbound: { attachment: { kind: 'audio', fileId: 'v1', mime: 'audio/ogg' } } });
  });

  it('hears in groups only commands for it, mentions and replies to it, without its name', () => {
    const inGroup = (fields: Record<string, unknown>) => toIncoming(message(fields, group), me);
    expect(inGroup({ text: 'chào cả nhà' }).kind).toBe('ignored');
    expect(inGroup({ text: '/menu@other_bot' }).kind).toBe('ignored');
    expect(inGroup({ text: '/menu@XHHT_bot' })).toMatchObject({ chatId: -1001, inbound: { text: '/menu@XHHT_bot', chat: 'group' } });
    expect(inGroup({ text: '/help' })).toMatchObject({ inbound: { text: '/help', chat: 'group' } });
    expect(inGroup({ text: '@xhht_bot kế hoạch 162?' })).toMatchObject({ inbound: { text: 'kế hoạch 162?', chat: 'group' } });
    expect(inGroup({ text: '@xhht_botany hi' }).kind).toBe('ignored');
    expect(inGroup({ text: '2', reply_to_message: { message_id: 4, from: { id: 999, is_bot: true, first_name: 'bot' } } })).toMatchObject({ inbound: { text: '2' } });
  });

  it('reads a button press with the chat it came from', () => {
    const u = updateSchema.parse({
      update_id: 2,
      callback_query: { id: 'q1', from: person, chat_instance: 'c', data: 'settings', message: { message_id: 7, date: 0, chat: group } },
    });
    expect(toIncoming(u, me)).toEqual({
      kind: 'callback',
      user: 'telegram:42',
      chatId: -1001,
      callbackId: 'q1',
      data: 'settings',
      inbound: { user: 'telegram:42', langHint: 'en', chat: 'group' },
    });
  });

  it('reads a button press whose message lacks fields the bot does not use (message_id, date)', () => {
    const u = updateSchema.parse({ update_id: 5, callback_query: { id: 'q2', from: person, data: 'qa', message: { chat: privateChat, from: { id: 999, is_bot: true, first_name: 'bot' } } } });
    expect(toIncoming(u, me)).toMatchObject({ kind: 'callback', user: 'telegram:42', chatId: 42, data: 'qa' });
    expect(toIncoming(updateSchema.parse({ update_id: 6, message: { from: person, chat: privateChat, text: 'hi' } }), me)).toMatchObject({ kind: 'message', inbound: { text: 'hi' } });
  });

  it('takes being blocked in a private chat as blocked, and ignores bots, channels and other kinds', () => {
    const blocked = updateSchema.parse({ update_id: 3, my_chat_member: { chat: privateChat, from: person, date: 0, old_chat_member: { status: 'member' }, new_chat_member: { status: 'kicked' } } });
    expect(toIncoming(blocked, me)).toEqual({ kind: 'blocked', user: 'telegram:42' });
    expect(toIncoming(updateSchema.parse({ update_id: 4, edited_message: { text: 'x' } }), me).kind).toBe('ignored');
    expect(toIncoming(message({ text: 'x', from: { id: 5, is_bot: true, first_name: 'b' } }), me).kind).toBe('ignored');
    expect(toIncoming(message({ text: 'x' }, { id: -5, type: 'channel' }), me).kind).toBe('ignored');
  });

  it('refuses updates whose fields have the wrong type', () => {
    expect(updateSchema.safeParse({ update_id: '1' }).success).toBe(false);
    expect(updateSchema.safeParse({ update_id: 1, message: { message_id: 1, chat: privateChat, text: 5 } }).success).toBe(false);
    expect(updateSchema.safeParse({ update_id: 1, callback_query: { id: 'x' } }).success).toBe(false);
    expect(updateSchema.safeParse({ update_id: -1 }).success).toBe(false);
  });
});
