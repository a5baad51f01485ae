import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Capability } from '../../src/app/app.js';
import { navigation } from '../../src/engine/commands.js';
import { FlowData } from '../../src/engine/flow-data.js';
import { createTestApp, choiceValues, textOf, type TestApp } from '../support/app.js';
import { fixtureDirs } from '../support/fixture-dirs.js';

/** A flow routes what its action returns, and a flow's data keeps its declared shape. */
const dirs = fixtureDirs({
  flows: {
    menu: `
id: menu
start: main
steps:
  main:
    ask: t.menu
    choices: [find, count]
    on:
      find: { goto: find }
      count: { goto: count }
commands:
  start: { restarted: main }
  menu: { home: main }
  cancel: { home: main }
`,
    find: `
id: find
start: ask
steps:
  ask:
    ask: t.ask_place
    input: { type: text }
    save: place.typed
    next: look
  look:
    action: t.find
    on: { none: not_found, many: { goto: menu.main } }
    say: t.found_one
    goto: menu.main
  not_found:
    say: t.not_found
    next: ask
`,
    count: `
id: count
start: number
steps:
  number:
    ask: t.ask_number
    input: { type: number }
    save: tally.count
    next: size
  size:
    ask: t.ask_size
    choices: [small, big, huge]
    save: tally.size
    next: show
  show:
    say: t.show
    goto: menu.main
`,
  },
  locales: {
    vi: {
      t: {
        menu: 'Chọn', choice: { find: 'Tìm', count: 'Đếm', small: 'Nhỏ', big: 'To', huge: 'Rất to' },
        ask_place: 'Tìm gì?', found_one: 'Thấy một', not_found: 'Không thấy', found_many: 'Thấy nhiều',
        ask_number: 'Bao nhiêu?', ask_size: 'Cỡ nào?', show: 'Số: {{tally.count}}, cỡ {{tally.size}}', huge: 'Rất to',
      },
    },
    en: {
      t: {
        menu: 'Choose', choice: { find: 'Find', count: 'Count', small: 'Small', big: 'Big', huge: 'Huge' },
        ask_place: 'Find what?', found_one: 'Found one', not_found: 'Not found', found_many: 'Found many',
        ask_number: 'How many?', ask_size: 'Which size?', show: 'Number: {{tally.count}}, size {{tally.size}}', huge: 'Huge',
      },
    },
  },
});

const place = new FlowData('place', z.object({ typed: z.string().optional() }), ['find']);
// The count flow offers a size its data does not know ("huge"): a flow edited without its schema.
const tally = new FlowData('tally', z.object({ count: z.number().optional(), size: z.enum(['small', 'big']).optional() }), ['count']);

const actions: Capability = {
  name: 't',
  register(app) {
    app.registry
      .data(place)
      .data(tally)
      .action('t.find', ['none', 'many'], async (turn) => {
        const typed = place.read(turn).typed ?? '';
        if (typed === 'nothing') return 'none';
        if (typed === 'everything') {
          turn.say('t.found_many');
          return 'many';
        }
        return undefined;
      });
  },
};

describe('outcomes and flow data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ store: 'memory', dirs, capabilities: [navigation, actions] });
  });
  afterAll(() => t.close());

  it('goes where the step routes each outcome, and on with the step when there is none', async () => {
    const u = 'web:outcomes';
    await t.send(u, '/start');
    expect(textOf(await t.send(u, { choice: 'find' }))).toContain('Tìm gì?');
    const none = await t.send(u, 'nothing');
    expect(textOf(none)).toContain('Không thấy');
    expect(textOf(none)).toContain('Tìm gì?');
    const many = await t.send(u, 'everything');
    expect(textOf(many)).toContain('Thấy nhiều');
    expect(choiceValues(many)).toEqual(['find', 'count']);
    await t.send(u, { choice: 'find' });
    const one = await t.send(u, 'phở');
    expect(textOf(one)).toContain('Thấy một');
    expect(textOf(one)).not.toContain('Thấy nhiều');
  });

  it('refuses an answer that does not fit the flow data, says so, and keeps what was saved', async () => {
    const u = 'web:bad-save';
    await t.send(u, '/start');
    await t.send(u, { choice: 'count' });
    expect(textOf(await t.send(u, '7'))).toContain('Cỡ nào?');
    const refused = await t.send(u, { choice: 'huge' });
    expect(textOf(refused)).toContain('chưa lưu được câu trả lời này');
    // Asked again, at the same question.
    expect(textOf(refused)).toContain('Cỡ nào?');
    expect(choiceValues(refused)).toEqual(['small', 'big', 'huge']);
    const stored = await t.app.sessions.get(u);
    expect(stored.kind === 'ok' && stored.session.data.tally).toEqual({ count: 7 });
    expect(stored.kind === 'ok' && stored.session.step).toBe('size');
    // A fitting answer then goes through, with what was collected before.
    expect(textOf(await t.send(u, { choice: 'big' }))).toContain('Số: 7, cỡ big');
  });

  it('reads data of another shape (a session from an older release) as empty, and goes on', async () => {
    const u = 'web:stale-data';
    await t.send(u, '/start');
    await t.send(u, { choice: 'count' });
    await t.send(u, '7');
    // An older release kept the count as words.
    await t.app.sessions.transact(u, async (current) => {
      if (current.kind !== 'ok') throw new Error('no session');
      return { session: { ...current.session, data: { tally: { count: 'bảy' } } }, result: undefined };
    });
    const shown = await t.send(u, { choice: 'small' });
    expect(textOf(shown)).toContain('cỡ small');
    expect(textOf(shown)).not.toContain('bảy');
    expect(choiceValues(shown)).toEqual(['find', 'count']);
    const stored = await t.app.sessions.get(u);
    expect(stored.kind === 'ok' && stored.session.data.tally).toEqual({ size: 'small' });
  });
});
