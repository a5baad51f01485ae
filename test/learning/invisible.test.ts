import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { as, learningStore, register, traces } from './helpers.js';
import { LearningStore } from '../../src/learning/store.js';

/** Right-to-left override, zero-width space, right-to-left mark, isolates, soft hyphen, word joiner. */
const INVISIBLE = ['\u202E', '\u200B', '\u200F', '\u2066', '\u2069', '\u00AD', '\u2060'];

describe('free text the bot stores carries no invisible characters', () => {
  let t: TestApp;
  const clock = new FakeClock('2026-11-20T03:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('strips bidi overrides and zero-width characters from names, titles, notes, file names and an officer’s reason', async () => {
    const send = as(t, 'telegram:777');
    await register(send, { name: 'Trần\u200B Thị\u202E Lụa' });
    await send({ choice: 'log' });
    await send('15/03/2026');
    await send({ choice: 'course' });
    await send('Lớp \u2066tin học\u2069 cơ bản\u00AD');
    await send('2');
    await send('1 3 5');
    const saved = await send({ text: 'Chứng\u2060 nhận\u200F', attachment: { kind: 'document', fileId: 'BQACAgI', name: 'chung-nhan\u202Efdp.exe', mime: 'application/pdf' } });
    expect(textOf(saved)).toContain('Đã lưu: Lớp tin học cơ bản (');
    await send({ choice: 'back' });
    await send({ choice: 'score' });
    await send('9 9 9 9 9 9 9 9 9 9');
    await send({ choice: 'submit' });
    expect(textOf(await send({ choice: 'send' }))).toContain('Đã gửi hồ sơ');

    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la.to-hieu', ttlMs: 86_400_000, createdBy: 'test' });
    const officer = as(t, 'web:officer');
    await officer('/menu');
    await officer(`/join ${code}`);
    await officer('/menu');
    await officer({ choice: 'learning' });
    const queue = await officer({ choice: 'review' });
    const file = await officer({ choice: choiceValues(queue)[0] as string });
    // What the officer reads is what was typed, not a name or file name turned around.
    expect(textOf(file)).toContain('Trần Thị Lụa');
    expect(textOf(file)).toContain('Lớp tin học cơ bản');
    await officer({ choice: 'return' });
    expect(textOf(await officer('Thiếu\u202E chữ ký\u200B của xã'))).toContain('Đã trả lại hồ sơ');
    expect(textOf(await send('/learning'))).toContain('Thiếu chữ ký của xã');

    const stored = await learningStore(t).profile('telegram:777');
    expect(stored?.name).toBe('Trần Thị Lụa');
    const acts = await new LearningStore(t.app.redis, t.prefix, t.app.clock, t.app.log, t.app.areas).activities('telegram:777', 2026);
    expect(acts[0]).toMatchObject({ title: 'Lớp tin học cơ bản', evidence: { caption: 'Chứng nhận', name: 'chung-nhanfdp.exe' } });
    expect(await traces(t, INVISIBLE)).toEqual([]);
  });
});
