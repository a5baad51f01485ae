import { describe, expect, it } from 'vitest';
import type { Capability } from '../../src/app/app.js';
import { navigation } from '../../src/engine/commands.js';
import { createTestApp, textOf } from '../support/app.js';
import { fixtureDirs } from '../support/fixture-dirs.js';

const dirs = fixtureDirs({
  flows: {
    menu: `
id: menu
start: main
steps:
  main:
    ask: d.menu
    choices: [slow]
    on: { slow: { next: work } }
  work: { action: d.slow, say: d.done, goto: menu.main }
commands:
  start: { restarted: main }
  menu: { home: main }
  cancel: { home: main }
`,
  },
  locales: { vi: { d: { menu: 'Chọn', done: 'Xong', choice: { slow: 'Chậm' } } }, en: { d: { menu: 'Choose', done: 'Done', choice: { slow: 'Slow' } } } },
});

const slow: Capability = {
  name: 'd',
  register(app) {
    app.registry.action('d.slow', () => new Promise((r) => setTimeout(r, 300)));
  },
};

describe('graceful shutdown', () => {
  it('waits for the messages in flight before it lets the process stop', async () => {
    const t = await createTestApp({ dirs, capabilities: [navigation, slow] });
    try {
      let answered: string | undefined;
      const pending = t.send('web:late', { choice: 'slow' }).then((r) => (answered = textOf(r)));
      await new Promise((r) => setTimeout(r, 20));
      await t.app.bot.drain();
      expect(answered).toContain('Xong');
      await pending;
    } finally {
      await t.close();
    }
  });
});
