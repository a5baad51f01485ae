import type { Translate } from '../i18n/index.js';

/** Each capability that stores something about a person says what it holds and how to erase it. */
export interface PersonalData {
  name: string;
  /** Lines saying what is stored, in the person's language; none when nothing is. */
  describe(user: string, t: Translate): Promise<string[]>;
  /** Absent where what is described is kept on purpose (and the description says so). */
  erase?(user: string): Promise<void>;
}

export class PrivacyRegistry {
  private readonly holders: PersonalData[] = [];

  add(holder: PersonalData): void {
    if (this.holders.some((h) => h.name === holder.name)) throw new Error(`personal data "${holder.name}" is registered twice`);
    this.holders.push(holder);
  }

  async describe(user: string, t: Translate): Promise<string[]> {
    const parts = await Promise.all(this.holders.map((h) => h.describe(user, t)));
    return parts.flat();
  }

  /** Erases everywhere; one holder failing does not stop the others, but the caller hears of it. */
  async eraseAll(user: string): Promise<void> {
    const results = await Promise.allSettled(this.holders.map((h) => h.erase?.(user)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${this.holders[i]?.name}: ${String(r.reason)}`] : []));
    if (failed.length) throw new Error(`could not erase all personal data: ${failed.join('; ')}`);
  }
}
