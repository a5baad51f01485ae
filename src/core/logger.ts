import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** `destination`: where the JSON lines go (stdout by default; tests read them). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'xhht-bot' } }, destination);
}
