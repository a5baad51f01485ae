/**
 * Key naming for a Redis Cluster. A key's slot comes from the text between its first "{" and "}": every
 * key of one person carries the same tag, so a person's keys live together and a write across them
 * (a session and its lock, a learning file and its years) can be one atomic script. Indexes shared by
 * many people (areas, roles, campaigns) are written after the person's own write, idempotently.
 */
export function personTag(user: string): string {
  return `{u:${user}}`;
}

/** Buckets a large shared set or hash is split into, so that no single key (and node) holds everyone. */
export const BUCKETS = 16;

/** The bucket of a member: a stable string hash, the same in every process. */
export function bucketOf(member: string, buckets = BUCKETS): number {
  let h = 2166136261;
  for (let i = 0; i < member.length; i++) h = Math.imul(h ^ member.charCodeAt(i), 16777619);
  return (h >>> 0) % buckets;
}
