import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capability } from '../../src/app/app.js';
import { navigation } from '../../src/engine/commands.js';
import { privacy } from '../../src/privacy/capability.js';
import { roles } from '../../src/roles/capability.js';
import { users } from '../../src/users/capability.js';
import { MemorySessionStore } from '../../src/sessions/memory-store.js';
import { createTestApp, choiceValues, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { fixtureDirs } from '../support/fixture-dirs.js';

/** Engine behaviour through the bot's front door, with no channel and in-memory stores. */
const dirs = fixtureDirs({
  realFlows: ['privacy'],
  flows: {
    menu: `
id: menu
start: greet
steps:
  greet: { say: t.hello, next: main }
  main:
    ask: t.menu
    choices: [form, pick, secret, private, crash, loop, { value: hidden, if: { role: organiser } }]
    otherwise: { goto: echo }
    on:
      form: { goto: form }
      pick: { goto: pick }
      secret: { goto: secret }
      private: { goto: private }
      crash: { goto: crash }
      loop: { goto: loop }
      hidden: { goto: secret }
commands:
  start: { restarted: greet }
  menu: { home: main }
  cancel: { home: main }
`,
    echo: `
id: echo
start: say
steps:
  say: { action: t.echo, goto: menu.main }
`,
    form: `
id: form
start: name
steps:
  name:
    ask: t.ask_name
    input: { type: text, min: 2, max: 20 }
    save: person.name
    next: age
  age:
    ask: t.ask_age
    input: { type: number, min: 1, max: 120, integer: true }
    save: person.age
    next: born
  born:
    ask: t.ask_born
    input: { type: date, min: "1900-01-01", max: today }
    save: person.born
    next: phone
  phone:
    ask: t.ask_phone
    input: { type: phone }
    choices: [skip]
    save: person.phone
    next: kind
  kind:
    ask: t.ask_kind
    choices: [a, b]
    save: person.kind
    branch:
      - if: { var: person.kind, eq: b }
        next: was_b
    next: even
  was_b: { say: t.was_b, next: even }
  even:
    ask: t.ask_even
    input: { type: number }
    validate: t.even
    save: person.even
    next: done
  done:
    action: t.save
    say: t.saved
    end: true
`,
    pick: `
id: pick
start: choose
steps:
  choose:
    ask: t.ask_pick
    choices: { from: t.items }
    save: picked
    next: done
  done: { say: t.picked, goto: menu.main }
`,
    secret: `
id: secret
requires: [officer]
start: s
steps:
  s: { say: t.secret, goto: menu.main }
`,
    private: `
id: private
personal: true
start: s
steps:
  s: { say: t.private, goto: menu.main }
`,
    crash: `
id: crash
start: s
steps:
  s: { action: t.crash, goto: menu.main }
`,
    loop: `
id: loop
start: a
steps:
  a: { next: b }
  b: { next: a }
`,
  },
  locales: {
    vi: {
      t: {
        hello: 'Chào',
        menu: 'Chọn',
        choice: { form: 'Biểu mẫu', pick: 'Chọn món', secret: 'Bí mật', private: 'Riêng tư', crash: 'Hỏng', loop: 'Vòng lặp', hidden: 'Ẩn', skip: 'Bỏ qua', a: 'Loại A', b: 'Loại B' },
        ask_name: 'Tên?', ask_age: 'Tuổi?', ask_born: 'Ngày sinh?', ask_phone: 'Số điện thoại?', ask_kind: 'Loại?', ask_even: 'Số chẵn?', ask_pick: 'Món nào?',
        was_b: 'Đã chọn B', saved: 'Đã lưu {{person.name}}', picked: 'Đã chọn {{picked}}', secret: 'Bí mật đây', private: 'Riêng đây', odd: 'Số lẻ rồi', echo: 'Bạn nói: {{said}}',
      },
    },
    en: {
      t: {
        hello: 'Hello',
        menu: 'Choose',
        choice: { form: 'Form', pick: 'Pick', secret: 'Secret', private: 'Private', crash: 'Crash', loop: 'Loop', hidden: 'Hidden', skip: 'Skip', a: 'Kind A', b: 'Kind B' },
        ask_name: 'Name?', ask_age: 'Age?', ask_born: 'Born?', ask_phone: 'Phone?', ask_kind: 'Kind?', ask_even: 'Even?', ask_pick: 'Which?',
        was_b: 'Chose B', saved: 'Saved {{person.name}}', picked: 'Picked {{picked}}', secret: 'Secret here', private: 'Private here', odd: 'That is odd', echo: 'You said: {{said}}',
      },
    },
  },
});

const saved: unknown[] = [];
const testActions: Capability = {
  name: 't',
  register(app) {
    app.registry
      .action('t.echo', async (turn) => turn.say('t.echo', { said: turn.text }))
      .action('t.save', async (turn) => {
        saved.push(structuredClone(turn.data.person));
      })
      .action('t.crash', async () => {
        throw new Error('boom');
      })
      .choices('t.items', async () => [
        { value: 'pho', label: 'Phở bò' },
        { value: 'bun', label: 'Bún chả' },
      ])
      .validator('t.even', async (value) => (Number(value) % 2 === 0 ? { ok: true, value } : { ok: false, error: 't.odd' }));
  },
};

describe('flow engine', () => {
  let t: TestApp;
  const clock = new FakeClock('2026-11-25T03:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({ store: 'memory', clock, dirs, capabilities: [navigation, users, roles, privacy, testActions] });
  });
  afterAll(() => t.close());

  it('greets someone new, then runs a form with every input kind, branch, validator and action', async () => {
    const u = 'web:form';
    const first = await t.send(u, '/start');
    expect(textOf(first)).toContain('Chào');
    expect(choiceValues(first)).toEqual(['form', 'pick', 'secret', 'private', 'crash', 'loop']);

    expect(textOf(await t.send(u, { choice: 'form' }))).toContain('Tên?');
    expect(textOf(await t.send(u, 'A'))).toContain('ít nhất 2');
    expect(textOf(await t.send(u, 'Nguyễn Văn An'))).toContain('Tuổi?');
    expect(textOf(await t.send(u, 'ba mươi'))).toContain('nhập một con số');
    expect(textOf(await t.send(u, '12,5'))).toContain('số nguyên');
    expect(textOf(await t.send(u, '130'))).toContain('từ 1 đến 120');
    expect(textOf(await t.send(u, '34 tuổi'))).toContain('Ngày sinh?');
    expect(textOf(await t.send(u, '31/02/1990'))).toContain('không có trên lịch');
    expect(textOf(await t.send(u, '01/01/2027'))).toContain('không được sau 25/11/2026');
    expect(textOf(await t.send(u, '1990-01-01'))).toContain('ngày/tháng/năm');
    expect(textOf(await t.send(u, '5.9.1990'))).toContain('Số điện thoại?');
    expect(textOf(await t.send(u, '0123 456 789'))).toContain('chưa đúng');
    expect(textOf(await t.send(u, '+84 912 345 678'))).toContain('Loại?');
    expect(textOf(await t.send(u, 'loai b'))).toContain('Đã chọn B');
    expect(textOf(await t.send(u, '7'))).toContain('Số lẻ rồi');
    const done = await t.send(u, '8');
    expect(textOf(done)).toContain('Đã lưu Nguyễn Văn An');
    expect(saved.at(-1)).toEqual({ name: 'Nguyễn Văn An', age: 34, born: '1990-09-05', phone: '0912345678', kind: 'b', even: 8 });
    // The flow ended: the person waits at the menu, and a menu number works again.
    expect(textOf(await t.send(u, '2'))).toContain('Món nào?');
  });

  it('takes a choice by button value, by number, and by label without diacritics in any case', async () => {
    const u = 'web:choices';
    await t.send(u, '/start');
    expect(textOf(await t.send(u, 'BIỂU MẪU'))).toContain('Tên?');
    await t.send(u, '/menu');
    expect(textOf(await t.send(u, 'bieu mau'))).toContain('Tên?');
    await t.send(u, '/menu');
    const pick = await t.send(u, '2');
    expect(pick.at(-1)?.choices).toEqual([
      { value: 'pho', label: 'Phở bò' },
      { value: 'bun', label: 'Bún chả' },
    ]);
    expect(textOf(await t.send(u, 'bun cha'))).toContain('Đã chọn bun');
    await t.send(u, { choice: 'pick' });
    expect(textOf(await t.send(u, { choice: 'pho' }))).toContain('Đã chọn pho');
  });

  it('offers the skip choice beside a typed answer', async () => {
    const u = 'web:skip';
    await t.send(u, { choice: 'form' });
    await t.send(u, 'Lan');
    await t.send(u, '40');
    await t.send(u, '01/01/1986');
    expect(textOf(await t.send(u, 'bo qua'))).toContain('Loại?');
    // A label typed in the other language is taken too.
    expect(textOf(await t.send(u, 'kind b'))).toContain('Đã chọn B');
  });

  it('answers the global commands at any step and keeps the question', async () => {
    const u = 'web:commands';
    await t.send(u, { choice: 'form' });
    await t.send(u, 'Lan');
    const help = await t.send(u, '/help');
    expect(textOf(help)).toContain('/cancel');
    expect(textOf(help)).toContain('Tuổi?');
    const en = await t.send(u, '/lang en');
    expect(textOf(en)).toContain('Switched to English');
    expect(textOf(en)).toContain('Age?');
    expect(textOf(await t.send(u, '/lang'))).toContain('Tuổi?');
    expect(textOf(await t.send(u, '/lang fr'))).toContain('"fr"');
    expect(textOf(await t.send(u, '/frobnicate'))).toContain('không biết lệnh');
    const cancelled = await t.send(u, 'Hủy');
    expect(textOf(cancelled)).toContain('Đã hủy');
    expect(choiceValues(cancelled)).toContain('form');
    expect(textOf(await t.send(u, 'huy'))).toContain('không có việc gì');
    await t.send(u, { choice: 'form' });
    expect(textOf(await t.send(u, 'trở về'))).toContain('Chọn');
    expect(textOf(await t.send(u, 'tro ve'))).toContain('Chọn');
    expect(textOf(await t.send(u, 'MENU'))).toContain('Chọn');
  });

  it('sends text that is no choice to the otherwise target, but refuses a number beyond the list', async () => {
    const u = 'web:otherwise';
    await t.send(u, '/start');
    expect(textOf(await t.send(u, 'Kế hoạch 162 nói gì?'))).toContain('Bạn nói: Kế hoạch 162 nói gì?');
    const nine = await t.send(u, '9');
    expect(textOf(nine)).toContain('bấm một nút hoặc gõ số thứ tự');
    expect(textOf(nine)).not.toContain('Bạn nói');
  });

  it('hands the first message of someone new to the menu after greeting them', async () => {
    const replies = await t.send('web:newcomer', 'Biểu mẫu');
    expect(textOf(replies)).toContain('Chào');
    expect(textOf(replies)).toContain('Tên?');
    const hello = await t.send('web:newcomer2', 'xin chào');
    expect(textOf(hello)).toContain('Chào');
    expect(textOf(hello)).toContain('Bạn nói: xin chào');
  });

  it('guards flows by role and personal flows by chat kind', async () => {
    const u = 'web:guard';
    await t.send(u, '/start');
    const denied = await t.send(u, { choice: 'secret' });
    expect(textOf(denied)).toContain('chỉ dành cho cán bộ');
    expect(textOf(denied)).not.toContain('Bí mật đây');
    expect(choiceValues(denied)).not.toContain('hidden');
    await t.app.roles.grant(u, { role: 'officer', area: 'son-la', grantedAt: 0 });
    expect(textOf(await t.send(u, { choice: 'secret' }))).toContain('Bí mật đây');

    const group = await t.send('telegram:-100', { text: 'Riêng tư', chat: 'group' });
    expect(textOf(group)).toContain('trò chuyện riêng');
    expect(textOf(group)).not.toContain('Riêng đây');
    expect(textOf(await t.send('telegram:55', { text: 'Riêng tư', chat: 'private' }))).toContain('Riêng đây');
  });

  it('lets admins from ADMIN_IDS through every guard and shows them every entry', async () => {
    const admin = await createTestApp({ store: 'memory', dirs, capabilities: [navigation, users, roles, privacy, testActions], env: { ADMIN_IDS: 'telegram:7001' } });
    try {
      expect(choiceValues(await admin.send('telegram:7001', '/start'))).toContain('hidden');
      expect(textOf(await admin.send('telegram:7001', { choice: 'hidden' }))).toContain('Bí mật đây');
    } finally {
      await admin.close();
    }
  });

  it('apologises for a failing action or a looping flow and leaves the session as it was', async () => {
    const u = 'web:crash';
    await t.send(u, '/start');
    const before = await t.app.sessions.get(u);
    const crashed = await t.send(u, { choice: 'crash' });
    expect(textOf(crashed)).toContain('đã có lỗi');
    expect(await t.app.sessions.get(u)).toEqual(before);
    expect(textOf(await t.send(u, { choice: 'loop' }))).toContain('đã có lỗi');
    expect(await t.app.sessions.get(u)).toEqual(before);
    expect(textOf(await t.send(u, '1'))).toContain('Tên?');
  });

  it('sends someone with a corrupt or old-format session to the menu with an apology', async () => {
    const store = t.app.sessions as MemorySessionStore;
    store.putRaw('web:corrupt', '{not json');
    const a = await t.send('web:corrupt', 'Biểu mẫu');
    expect(textOf(a)).toContain('bị gián đoạn');
    expect(choiceValues(a)).toContain('form');
    store.putRaw('web:old', JSON.stringify({ v: 0, state: 'MENU' }));
    expect(textOf(await t.send('web:old', 'hello'))).toContain('bị gián đoạn');
    store.putRaw('web:gone', JSON.stringify({ v: 1, lang: 'en', flow: 'removed', step: 'x', data: {} }));
    const gone = await t.send('web:gone', 'hello');
    expect(textOf(gone)).toContain('interrupted');
    expect(textOf(await t.send('web:gone', '1'))).toContain('Name?');
  });

  it('refuses bad messages clearly: empty, too long, control characters, emoji, stale buttons', async () => {
    const u = 'web:bad';
    await t.send(u, '/start');
    expect(textOf(await t.send(u, '   '))).toContain('chưa nhận được');
    const long = await t.send(u, 'a'.repeat(10_000));
    expect(textOf(long)).toContain('10000 ký tự');
    expect(textOf(long)).toContain('Chọn');
    expect(textOf(await t.send(u, '\u0000\u0007bieu\u001b mau\u200b'))).toContain('Tên?');
    const emoji = await t.send(u, '😀🎉');
    expect(textOf(emoji)).toContain('chữ hoặc số');
    expect(textOf(emoji)).toContain('Tên?');
    const stale = await t.send(u, { choice: 'no-such-value' });
    expect(textOf(stale)).toContain('câu hỏi trước');
    expect(textOf(stale)).toContain('Tên?');
    expect(() => t.app.bot.handle({ user: 'web:' + 'x'.repeat(200), text: 'hi' })).toThrow(/at most/);
    expect(() => t.app.bot.handle({ user: 'nobody', text: 'hi' })).toThrow(/<channel>:<id>/);
  });

  it('shows and erases what it holds about a person', async () => {
    const u = 'web:private-person';
    await t.send(u, '/start');
    await t.app.roles.grant(u, { role: 'officer', area: 'son-la', grantedAt: 0 });
    const shown = await t.send(u, '/mydata');
    expect(textOf(shown)).toContain('web:private-person');
    expect(textOf(shown)).toContain('cán bộ – Tỉnh Sơn La');
    expect(choiceValues(await t.send(u, 'xóa dữ liệu'))).toEqual(['yes', 'no']);
    expect(textOf(await t.send(u, { choice: 'no' }))).toContain('giữ nguyên');
    await t.send(u, '/deletedata');
    expect(textOf(await t.send(u, { choice: 'yes' }))).toContain('Đã xóa toàn bộ');
    expect((await t.app.sessions.get(u)).kind).toBe('none');
    expect(await t.app.users.get(u)).toBeUndefined();
    expect(await t.app.roles.grants(u)).toEqual([]);
    expect(await t.app.roles.holders('officer', 'son-la')).not.toContain(u);
    expect(textOf(await t.send(u, '/mydata'))).toContain('không lưu dữ liệu');
  });
});
