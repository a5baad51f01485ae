import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionSchema } from '../../src/sessions/session.js';
import { createTestApp, type TestApp } from '../support/app.js';

/** Whatever people send, in whatever order, the engine answers and keeps a session it can read back. */
describe('flow engine under random input', () => {
  let t: TestApp;
  let apology: string;
  beforeAll(async () => {
    t = await createTestApp({ store: 'memory', env: { ADMIN_IDS: 'telegram:7000' } });
    apology = t.app.i18n.t('vi', 'common.error');
  });
  afterAll(() => t.close());

  const commands = ['/start', '/menu', '/help', '/cancel', '/lang', '/lang en', '/lang vi', '/mydata', '/stop', '/join XXXXX-YYYYY', '/nope', 'menu', 'hủy', 'trở về'];
  const menuValues = ['qa', 'learning', 'news', 'deadlines', 'broadcast', 'settings', 'yes', 'no', 'language', 'notifications', 'back', 'vi', 'en'];
  const message = fc.oneof(
    fc.constantFrom(...commands).map((text) => ({ text })),
    fc.constantFrom(...menuValues).map((choice) => ({ choice })),
    fc.integer({ min: 0, max: 12 }).map((n) => ({ text: String(n) })),
    fc.constantFrom('01/01/2026', '31/02/2026', '0912345678', '1,5', 'Nguyễn Văn An', 'tieng viet', 'Kế hoạch 162 nói gì?', '😀', '   ', 'a'.repeat(5000)).map((text) => ({ text })),
    fc.string({ maxLength: 40 }).map((text) => ({ text })),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map((text) => ({ text })),
    fc.string({ maxLength: 20 }).map((choice) => ({ choice })),
  );

  it('never fails and always leaves a valid session waiting at a question', async () => {
    const flowIds = new Set(t.app.engine.flows.keys());
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('web:p', 'telegram:7000'), fc.array(message, { minLength: 1, maxLength: 25 }), async (who, messages) => {
        const user = `${who}${run++}`;
        for (const m of messages) {
          const replies = await t.send(user, m);
          for (const r of replies) expect(r.text, JSON.stringify(m)).not.toBe(apology);
          const loaded = await t.app.sessions.get(user);
          if (loaded.kind === 'none') continue; // erased on request, or never stored
          expect(loaded.kind).toBe('ok');
          if (loaded.kind !== 'ok') return;
          expect(sessionSchema.safeParse(loaded.session).success).toBe(true);
          expect(flowIds.has(loaded.session.flow)).toBe(true);
          expect(t.app.engine.flows.get(loaded.session.flow)?.steps[loaded.session.step]?.ask).toBeTruthy();
        }
      }),
      { numRuns: 120 },
    );
  });
});
