/**
 * `npm run ask -- --jsonl`: questions on stdin, one per line; one JSON object per line on stdout,
 * `{"question","answered","answer","sources":[{"document","title","section","text","score"}],"why"}`; `why` says
 * what decided (question type, coverage, margin, the ranking signals that fired, the rule or model score).
 * Without --jsonl the same answers are printed for people; questions may also be given as arguments.
 * Reads only the repository's plans/.
 */
import { createInterface } from 'node:readline';
import { loadKnowledgeBase, type Answer } from './index.js';

function asJson(question: string, answer: Answer): string {
  return JSON.stringify({
    question,
    answered: answer.answered,
    answer: answer.answer,
    sources: answer.sources.map(({ document, title, section, text, score }) => ({ document, title, section, text, score })),
    ...(answer.why && { why: answer.why }),
  });
}

function forPeople(question: string, answer: Answer): string {
  const sources = answer.sources.map((s, i) => `  ${i + 1}. [${s.score}] ${s.document} — ${s.section || s.title}`);
  return [`? ${question}`, answer.answer, ...(sources.length ? ['', ...sources] : []), ''].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonl = args.includes('--jsonl');
  const kb = loadKnowledgeBase();
  const print = (question: string): void => {
    const answer = kb.answer(question);
    process.stdout.write((jsonl ? asJson(question, answer) : forPeople(question, answer)) + '\n');
  };
  const questions = args.filter((a) => !a.startsWith('--'));
  if (questions.length > 0) {
    questions.forEach(print);
    return;
  }
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) print(line);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
