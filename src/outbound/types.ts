import type { ProactiveOptions } from '../core/delivery.js';
import type { Reply } from '../core/message.js';

export type OutboundKind = 'reminder' | 'broadcast' | 'news' | 'notice';

/** One proactive message to one person. Every proactive message leaves through `Outbound`. */
export interface OutboundMessage {
  /** "<channel>:<id>" */
  user: string;
  /** Groups messages for a delivery report: a broadcast campaign id, a reminder run... */
  campaign: string;
  /** Exactly-once key for this person: the same (key, user) is never sent twice. */
  key: string;
  kind: OutboundKind;
  replies: Reply[];
  /** Zalo outside its 7-day window can only get an approved template. */
  template?: ProactiveOptions['template'];
  /** Not before this instant (epoch ms). */
  notBefore?: number;
}

/** Final status of one message to one person, as delivery reports count them. */
export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'blocked' | 'opted_out' | 'undeliverable' | 'duplicate';

export interface Outbound {
  /** Accepts messages for delivery; duplicates of an already accepted (key, user) are dropped. */
  enqueue(messages: OutboundMessage[]): Promise<{ queued: number; duplicates: number }>;
  /** Resolves once every message accepted so far has been tried (tests, and waiting before a report). */
  idle?(): Promise<void>;
  /**
   * Drops what the outbound path still holds of one person's messages (by key) beyond the report: queued
   * or failed jobs and their entries in the queue's event log, which name the person. For erasing their data.
   */
  forget?(user: string, keys: string[]): Promise<void>;
}
