import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main } from '../../src/knowledge/ask-cli.js';
import { runCli } from '../support/cli.js';

const lineSchema = z
  .object({
    question: z.string(),
    answered: z.boolean(),
    answer: z.string().min(1),
    sources: z.array(
      z.object({ document: z.string(), title: z.string(), section: z.string(), text: z.string(), score: z.number() }).strict(),
    ),
    why: z
      .object({
        language: z.enum(['vi', 'en']),
        type: z.string(),
        coverage: z.number(),
        telling: z.number(),
        margin: z.number().nullable(),
        signals: z.array(z.string()),
        decision: z.string(),
        score: z.number().optional(),
        via: z.string().optional(),
      })
      .strict(),
  })
  .strict();

async function ask(input: string, ...args: string[]): Promise<string> {
  const run = await runCli(main, args, process.env, input);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

describe('npm run ask', () => {
  it('--jsonl prints one JSON object per question line, sources best first with whole passages', async () => {
    const out = await ask('Sở Nội vụ Sơn La có nhiệm vụ gì?\r\nLịch thi đấu bóng đá V-League tuần này\n\n', '--jsonl');
    const lines = out.trimEnd().split('\n').map((l) => lineSchema.parse(JSON.parse(l)));
    expect(lines.map((l) => [l.question, l.answered])).toEqual([
      ['Sở Nội vụ Sơn La có nhiệm vụ gì?', true],
      ['Lịch thi đấu bóng đá V-League tuần này', false],
      ['', false],
    ]);
    const [first] = lines;
    expect(first?.sources[0]?.document).toBe('004_e79c9be65417934e.txt');
    expect(first?.sources[0]?.text).toContain('7. Sở Nội vụ\nChủ trì tham mưu cho UBND tỉnh xây dựng quy hoạch');
    // What decided is there to read: the question's type, the signals, the model's score.
    expect(first?.why).toMatchObject({ type: 'what', decision: 'model' });
    expect(first?.why.signals).toContain('heading');
    expect(lines[1]?.why.decision === 'model' ? (lines[1]?.why.score ?? 0) < 0 : true).toBe(true);
  });

  it('prints answers for people without --jsonl', async () => {
    const out = await ask('', 'Sở Tài chính Tây Ninh hướng dẫn gì?');
    expect(out).toContain('? Sở Tài chính Tây Ninh hướng dẫn gì?');
    expect(out).toContain('Sở Tài chính hướng dẫn');
    expect(out).toContain('  1. [');
  });
});
