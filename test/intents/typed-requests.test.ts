import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/message.js';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { as, register } from '../learning/helpers.js';

const lines = (file: string): Record<string, unknown>[] =>
  readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Requests typed at the menu and where each should land: a menu button, a command, or `human`. */
const dev = lines('intents-dev.jsonl').map((l) => ({ text: String(l.text), want: String(l.want) }));

/** What pressing the button or typing the command does, for comparing a typed request with it. */
const canonical: Record<string, { choice: string } | string> = {
  learning: { choice: 'learning' },
  news: { choice: 'news' },
  stop: '/stop',
  mydata: '/mydata',
  deletedata: '/deletedata',
  lang_en: '/lang en',
  help: '/help',
};

/** The marks stripped, đ→d: how people type on a phone without a Vietnamese keyboard. */
const unmarked = (text: string): string =>
  text.replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');

describe('requests typed at the menu', () => {
  let t: TestApp;
  let n = 0;
  const clock = new FakeClock('2026-11-20T03:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  /** A new person at the main menu, who has said no to the news offer. */
  async function fresh(): Promise<string> {
    const user = `web:typed${++n}`;
    await t.send(user, '/start');
    await t.send(user, { choice: '/news_off' });
    await t.send(user, '/menu');
    return user;
  }

  /** What a person sees first (the rest names them or the time), and the buttons offered. */
  const seen = (replies: Reply[]) => ({ text: textOf(replies).split('\n')[0] as string, choices: choiceValues(replies) });

  async function landing(want: string): Promise<ReturnType<typeof seen>> {
    const user = await fresh();
    const how = canonical[want];
    return seen(await t.send(user, how as string | { choice: string }));
  }

  it('lands every dev phrase, as typed and without marks, where its button or command lands', async () => {
    const expected = new Map<string, ReturnType<typeof seen>>();
    for (const want of Object.keys(canonical)) expected.set(want, await landing(want));
    const misses: string[] = [];
    for (const { text, want } of dev)
      for (const typed of new Set([text, unmarked(text)])) {
        const got = seen(await t.send(await fresh(), typed));
        const ok =
          want === 'human'
            ? /cán bộ/.test(got.text) && /liên hệ/.test(got.text) && !/chưa tìm thấy/.test(got.text)
            : JSON.stringify(got) === JSON.stringify(expected.get(want));
        if (!ok) misses.push(`${want} <- ${typed}: ${got.text.slice(0, 80)}`);
      }
    expect(misses).toEqual([]);
  });

  it('understands the requests of the issue, in chat short forms too', async () => {
    const cases: [string, RegExp][] = [
      ['xóa hết dữ liệu của tôi đi', /có chắc muốn xóa/],
      ['xoa het du lieu cua toi di', /có chắc muốn xóa/],
      ['thôi đừng nhắn nữa', /Đã dừng gửi tin/],
      ['ko nhan tin nua', /Đã dừng gửi tin/],
      ['chuyển sang tiếng Anh', /Switched to English/],
      ['cho tôi gặp cán bộ xã', /liên hệ/],
    ];
    for (const [typed, shows] of cases) {
      const replies = await t.send(await fresh(), typed);
      expect(textOf(replies), typed).toMatch(shows);
      expect(textOf(replies), typed).not.toContain('chưa tìm thấy nội dung phù hợp');
    }
    const cdht = await t.send(await fresh(), 'dk cdht');
    expect(choiceValues(cdht)).toEqual(['yes', 'no']);
    expect(textOf(cdht)).toContain('Công dân học tập');
  });

  it('asks before erasing, and a "no" keeps everything', async () => {
    const user = await fresh();
    await t.app.users.setArea(user, 'son-la.to-hieu');
    const asked = await t.send(user, 'xoa het thong tin cua minh di');
    expect(choiceValues(asked)).toEqual(['yes', 'no']);
    expect(textOf(await t.send(user, { choice: 'no' }))).toContain('giữ nguyên');
    expect((await t.app.users.get(user))?.area).toBe('son-la.to-hieu');
  });

  it('names the person\'s own commune when asked for an officer, and says plainly whom to contact otherwise', async () => {
    const user = await fresh();
    await t.app.users.setArea(user, 'son-la.to-hieu');
    const known = textOf(await t.send(user, 'cho tôi gặp cán bộ xã'));
    expect(known).toContain('Hội Khuyến học phường Tô Hiệu (tỉnh Sơn La)');
    expect(known).toContain('Ủy ban nhân dân phường Tô Hiệu');
    const unknown = await t.send(await fresh(), 'muốn nói chuyện với cán bộ');
    expect(textOf(unknown)).toContain('Hội Khuyến học hoặc Ủy ban nhân dân xã, phường nơi Anh/Chị ở');
    expect(choiceValues(unknown)).toContain('learning');
  });

  it('opens a part of the learning file once the person has one, and after consent and registration otherwise', async () => {
    const user = await fresh();
    const send = as(t, user);
    // Someone new asking to log an activity reads the consent notice first, as from the button.
    const first = await send('ghi hoạt động học tập');
    expect(choiceValues(first)).toEqual(['yes', 'no']);
    await send('/menu');
    await register(send);
    await send('/menu');
    expect(textOf(await send('them hoat dong hoc tap'))).toContain('học vào ngày nào');
    await send('/menu');
    expect(textOf(await send('tự chấm điểm'))).toMatch(/chỉ số/i);
    await send('/menu');
    // A part is used once: the learning button afterwards shows the learning menu, not the part again.
    const hub = await send({ choice: 'learning' });
    expect(choiceValues(hub)).toEqual(expect.arrayContaining(['log', 'score', 'progress', 'submit']));

    // A part remembered by an older release for a request that no longer exists: the learning menu, no error.
    await send('/menu');
    await t.app.sessions.transact(user, async (loaded) => {
      if (loaded.kind !== 'ok') throw new Error('no session');
      return { session: { ...loaded.session, data: { ...loaded.session.data, intent: { part: 'learning_gone' } } }, result: undefined };
    });
    const stale = await send({ choice: 'learning' });
    expect(choiceValues(stale)).toEqual(expect.arrayContaining(['log', 'score', 'progress', 'submit']));
    expect(textOf(stale)).not.toMatch(/lỗi/);
  });

  it('does what /help says can be typed, in both languages', async () => {
    for (const lang of ['vi', 'en'] as const) {
      const help = t.app.i18n.t(lang, 'common.help').split('\n').at(-1) as string;
      const examples = [...help.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
      expect(examples.length).toBe(3);
      for (const typed of examples) {
        const user = await fresh();
        if (lang === 'en') await t.send(user, '/lang en');
        const replies = await t.send(user, typed);
        expect(textOf(replies), typed).not.toMatch(/chưa tìm thấy nội dung phù hợp|could not find/);
        expect(choiceValues(replies), typed).not.toContain('another');
      }
    }
  });

  it('leaves questions about the plans to Q&A', async () => {
    const replies = await t.send(await fresh(), 'Mục tiêu đến năm 2030 về xóa mù chữ là gì?');
    expect(textOf(replies)).toContain('Nguồn:');
    const after = await t.send(await fresh(), 'Người lớn không biết chữ thì có được đi học không?');
    expect(choiceValues(after)).toEqual(expect.arrayContaining(['another', 'menu']));
  });

  it('takes a request typed after an answer, too', async () => {
    const user = await fresh();
    await t.send(user, 'Mục tiêu đến năm 2030 về xóa mù chữ là gì?');
    const stopped = await t.send(user, 'đừng gửi tin cho tôi nữa');
    expect(textOf(stopped)).toContain('Đã dừng gửi tin');
    expect((await t.app.users.get(user))?.optOut).toBeTruthy();
  });
});
