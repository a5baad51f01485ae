/**
 * Every Redis key the web channel writes, built in one place: per-person keys take the person's full
 * id ("web:<id>"), so grouping a person's keys under one cluster hash tag is a change here only.
 */
export function webKeys(prefix: string) {
  return {
    /** The conversation as the page shows it (what the person sent, what the bot said). */
    history: (user: string) => `${prefix}web:hist:${user}`,
    /** The ids of the photos and files the person uploaded. */
    uploads: (user: string) => `${prefix}web:files:${user}`,
    /** One uploaded file's record, found by its random id (signed links carry no person id). */
    upload: (fileId: string) => `${prefix}web:file:${fileId}`,
    secret: `${prefix}web:secret`,
    /** New identities handed to one (pseudonymised) client address in one hour. */
    issued: (address: string, hour: number) => `${prefix}web:issued:${address}:${hour}`,
    /** Pub/sub channel: a proactive message for a page that may be open on another instance. */
    live: `${prefix}web:live`,
  };
}
export type WebKeys = ReturnType<typeof webKeys>;
