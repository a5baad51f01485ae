import { personTag } from '../../store/keys.js';

/**
 * Every Redis key the web channel writes, built in one place: per-person keys take the person's full
 * id ("web:<id>") in the person's cluster hash tag, beside their session and records.
 */
export function webKeys(prefix: string) {
  return {
    /** The conversation as the page shows it (what the person sent, what the bot said). */
    history: (user: string) => `${prefix}web:hist:${personTag(user)}`,
    /** The ids of the photos and files the person uploaded. */
    uploads: (user: string) => `${prefix}web:files:${personTag(user)}`,
    /** One uploaded file's record, found by its random id (signed links carry no person id): a slot of its own, never written with the person's keys in one command. */
    upload: (fileId: string) => `${prefix}web:file:${fileId}`,
    secret: `${prefix}web:secret`,
    /** New identities handed to one (pseudonymised) client address in one hour. */
    issued: (address: string, hour: number) => `${prefix}web:issued:${address}:${hour}`,
    /** Pub/sub channel: a proactive message for a page that may be open on another instance. */
    live: `${prefix}web:live`,
  };
}
export type WebKeys = ReturnType<typeof webKeys>;
