import type { ChannelName, Reply } from './message.js';

/**
 * How a proactive message fared. `retry` carries the wait the platform asked for (Telegram's
 * retry_after, Zalo's rate limit); `blocked` means the person blocked or unfollowed us.
 */
export type DeliveryOutcome =
  | { status: 'sent' }
  | { status: 'blocked'; reason: string }
  | { status: 'retry'; afterMs: number; reason: string }
  | { status: 'undeliverable'; reason: string }
  | { status: 'failed'; reason: string; transient: boolean };

export interface ProactiveOptions {
  /** A template for platforms that only allow templates outside a messaging window (Zalo). */
  template?: { id: string; data: Record<string, string> };
}

/** A channel's way to message someone who did not just write: reminders and broadcasts use it. */
export interface ChannelSender {
  readonly channel: ChannelName;
  send(nativeId: string, replies: Reply[], opts?: ProactiveOptions): Promise<DeliveryOutcome>;
  /**
   * A photo or document someone sent in this channel, by the platform's file id, for an officer's console
   * to show once it has checked who may see it; undefined when it is gone or the channel cannot fetch it.
   */
  fetchFile?(fileId: string): Promise<FetchedFile | undefined>;
}

export interface FetchedFile {
  mime: string;
  bytes: Buffer;
}
