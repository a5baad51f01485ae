import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/core/logger.js';

/** The production logger writing into memory: what an operator's log would hold, line by line. */
export function capturedLog(level = 'info'): { log: Logger; text(): string; lines(): Record<string, unknown>[] } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    log: createLogger(level, sink),
    text: () => text,
    lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
