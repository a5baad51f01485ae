import { readFileSync } from 'node:fs';
import { loadKnowledgeBase } from './src/knowledge/knowledge-base.js';
import { comparable } from './src/knowledge/qa-fixture.js';
const kb = loadKnowledgeBase();
const files = process.argv.slice(2);
const strip = process.env.STRIP === '1';
const sm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
const agg: Record<string, { n: number; top1: number; top3: number; forced1: number; dec: number }> = {};
for (const f of files) for (const line of readFileSync(f, 'utf8').trim().split('\n')) {
  const c = JSON.parse(line);
  const q = strip ? sm(c.q) : c.q;
  const a = kb.answer(q);
  const style = c.style ?? (c.abstain ? 'abstain' : f.split('/').pop());
  const s = (agg[style] ??= { n: 0, top1: 0, top3: 0, forced1: 0, dec: 0 });
  s.n++;
  if (c.abstain) { if (!a.answered) s.dec++; else console.log(`ANSWERED-ABSTAIN\t${q}\t${a.sources[0]?.section}`); continue; }
  const ph = c.expect.map(comparable);
  const pos = a.sources.findIndex((x) => ph.some((p: string) => comparable(x.text).includes(p)));
  if (pos === 0) s.forced1++;
  if (a.answered && pos === 0) s.top1++;
  if (a.answered && pos >= 0 && pos < 3) s.top3++;
  if (!(a.answered && pos === 0)) console.log(`${a.answered ? 'ANS' : 'DEC'} pos=${pos}\t${q}\t${(a as any).why ? JSON.stringify((a as any).why) : ''}`);
}
console.log(JSON.stringify(agg));
