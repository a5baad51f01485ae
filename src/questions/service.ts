import type { App } from '../app/app.js';
import { formatVnDate, vnDate } from '../core/clock.js';
import { splitUserId, type Reply } from '../core/message.js';
import { MESSAGING_WINDOW_MS } from '../channels/zalo/sender.js';
import type { Language } from '../i18n/index.js';
import { createAnalyser, type Analyse } from '../knowledge/analyse.js';
import { loadLexicon } from '../knowledge/lexicon.js';
import { groupAlike, noteAnswers, termsOf, type Terms } from './similar.js';
import { QuestionStore, TEXT_MAX, type Note, type Question } from './store.js';

/** Delivery reports group the notices to officers and the answers to people under these campaigns. */
export const NOTICE_CAMPAIGN = 'questions-notice';
export const ANSWER_CAMPAIGN = 'questions-answer';
/** The chat command officers list open questions with. */
export const QUESTIONS_COMMAND = 'questions';

/** The word that says what kind of area a name is, which "Ban Tuyên giáo Tỉnh ủy Sơn La" leaves out. */
const KIND_WORD = /^(Tỉnh|Thành phố|Xã|Phường|Đặc khu|Thị trấn)\s+/u;
/** "Phường Chiềng An" → "phường Chiềng An", as it reads after "Ủy ban nhân dân". */
const inSentence = (name: string): string => name.charAt(0).toLocaleLowerCase('vi') + name.slice(1);

/** Open questions whose analysis is remembered; beyond this the memory starts afresh. */
const TERMS_KEPT = 20_000;

/** Several people asking the same thing in one area: answered once, by one form or one chat answer. */
export interface QuestionGroup {
  readonly area: string;
  readonly questions: readonly Question[];
}

/** Who answers, and for which areas: an officer's grant, or an administrator (everywhere). */
export interface Answerer {
  readonly areas: readonly string[];
  readonly unit?: string;
}

/** A group is named by its first question's id: a chat button's value, looked up again when pressed. */
export const groupId = (g: QuestionGroup): string => g.questions[0]?.id ?? '';

/**
 * Questions the bot could not answer, handed to people: sent by a citizen to their commune's officers,
 * listed for the officers of that commune (and of the province above) grouped when alike, answered back
 * on the person's channel within its rules, and kept as notes the bot answers from.
 */
export class Questions {
  readonly store: QuestionStore;
  private analyser?: Analyse;
  /** Each note's question as the analyser reads it, by note and language: notes never change once kept. */
  private readonly noteTerms = new Map<string, Terms>();
  private readonly askedTerms = new Map<string, Terms>();

  constructor(private readonly app: App) {
    this.store = new QuestionStore(app.redis, app.prefix);
  }

  /** The Q&A's own analyser, built on first use (from plans/lexicon.yaml). */
  private terms(text: string, lang: Language): Terms {
    this.analyser ??= createAnalyser(loadLexicon(this.app.dirs.plans));
    return termsOf(this.analyser, text, lang);
  }

  /** A question as the analyser reads it, remembered by id: every view of the list groups the same questions again. */
  private questionTerms(q: Question): Terms {
    let terms = this.askedTerms.get(q.id);
    if (!terms) {
      if (this.askedTerms.size >= TERMS_KEPT) this.askedTerms.clear();
      this.askedTerms.set(q.id, (terms = this.terms(q.text, q.lang)));
    }
    return terms;
  }

  areaName(id: string): string {
    return this.app.areas.get(id)?.fullName ?? id;
  }

  /** An area's name as it reads inside a sentence: "phường Chiềng An". */
  placeName(area: string, lang: Language): string {
    const name = this.app.areas.get(area)?.name ?? area;
    return lang === 'vi' ? inSentence(name) : name;
  }

  /**
   * Who answered, as a person reads it: "Ủy ban nhân dân phường Chiềng An", "Hội Khuyến học tỉnh Sơn La";
   * "cán bộ phường Chiềng An" when the officer's unit is not known.
   */
  unitName(unit: string | undefined, area: string, lang: Language): string {
    const name = this.app.areas.get(area)?.name ?? area;
    const t = this.app.i18n.for(lang);
    const params = { area: this.placeName(area, lang), place: name.replace(KIND_WORD, '') };
    const key = `questions.unit_kind.${unit}`;
    return unit && this.app.i18n.exists(key, lang) ? t(key, params) : t('questions.officers_of', params);
  }

  /** The areas whose questions `user` answers as an officer; every area for administrators; none for anyone else. */
  async answerer(user: string): Promise<Answerer | undefined> {
    const grant = await this.app.roles.grantOf(user, 'officer');
    if (grant) return { areas: [grant.area], ...(grant.unit ? { unit: grant.unit } : {}) };
    return this.app.roles.isAdmin(user) ? { areas: ['*'] } : undefined;
  }

  covers(who: Answerer, area: string): boolean {
    return who.areas.some((a) => a === '*' || this.app.areas.isWithin(area, a));
  }

  /** Every area under the given ones ("*": all), where questions may wait. */
  private areasUnder(areas: readonly string[]): string[] {
    const { areas: tree } = this.app;
    const roots = areas.includes('*') ? tree.roots().map((r) => r.id) : areas;
    return [...new Set(roots.flatMap((id) => tree.subtree(id).map((a) => a.id)))];
  }

  /** Open questions of the areas, grouped per area when they ask the same thing; oldest first. */
  async groups(areas: readonly string[]): Promise<QuestionGroup[]> {
    const open = await this.store.openIn(this.areasUnder(areas));
    const byArea = new Map<string, Question[]>();
    for (const q of open) byArea.set(q.area, [...(byArea.get(q.area) ?? []), q]);
    const groups = [...byArea].flatMap(([area, list]) => groupAlike(list, (q) => this.questionTerms(q)).map((questions) => ({ area, questions })));
    return groups.sort((a, b) => (a.questions[0]?.askedAt ?? 0) - (b.questions[0]?.askedAt ?? 0));
  }

  /** A person sends a question to the officers of their area; the officers get a short notice. */
  async send(user: string, text: string, area: string, lang: Language): Promise<Question> {
    const q = await this.store.ask({ user, area, text: text.slice(0, TEXT_MAX), lang, askedAt: this.app.clock.now().getTime() });
    await this.notify(q);
    this.app.log.info({ user, area }, 'questions: sent to officers');
    return q;
  }

  /** Officers of the area and of the areas above it (a province's officers answer for its communes). */
  private async officersOf(area: string): Promise<Set<string>> {
    const officers = new Set<string>();
    for (const cur of this.app.areas.lineage(area))
      for (const officer of await this.app.roles.holders('officer', cur)) officers.add(officer);
    return officers;
  }

  /** Whether any officer answers for the area yet. */
  async staffed(area: string): Promise<boolean> {
    return (await this.officersOf(area)).size > 0;
  }

  /** The officers of the question's area, the asker aside, get a notice naming the area, not the person. */
  private async notify(q: Question): Promise<void> {
    const officers = [...(await this.officersOf(q.area))].filter((o) => o !== q.user);
    const messages = await Promise.all(
      officers.map(async (officer) => {
        const lang = (await this.app.users.get(officer))?.lang ?? 'vi';
        const t = this.app.i18n.for(lang);
        return {
          user: officer,
          campaign: NOTICE_CAMPAIGN,
          key: `q-new:${q.id}`,
          kind: 'notice' as const,
          replies: [{ text: t('questions.notice', { area: this.placeName(q.area, lang) }), choices: [{ label: t('questions.open_list'), value: `/${QUESTIONS_COMMAND}` }] }],
        };
      }),
    );
    if (messages.length) await this.app.outbound.enqueue(messages);
  }

  /**
   * Answers every question of a group that is still open in `area` (another officer may have answered
   * some meanwhile) and sends each person the answer. Returns how many were answered.
   */
  async answer(who: Answerer, area: string, ids: readonly string[], answer: string): Promise<Question[]> {
    if (!this.covers(who, area)) return [];
    const answered: Question[] = [];
    for (const id of new Set(ids)) {
      const q = await this.store.open(area, id);
      if (!q || !(await this.store.claim(q))) continue;
      let delivery: 'sent' | 'waiting';
      try {
        delivery = await this.deliver(q, answer, who.unit);
      } catch (err) {
        await this.store.reopen(q);
        throw err;
      }
      answered.push(await this.store.answer(q, { answer, answeredAt: this.app.clock.now().getTime(), ...(who.unit ? { unit: who.unit } : {}), delivery }));
    }
    return answered;
  }

  /**
   * The answer on the person's channel through the outbound path; a Zalo Official Account may message
   * someone only within 7 days of their last message, so outside it the answer waits for their next one.
   */
  private async deliver(q: Question, answer: string, unit: string | undefined): Promise<'sent' | 'waiting'> {
    const t = this.app.i18n.for(q.lang);
    const reply: Reply = { text: t('questions.answered', { unit: this.unitName(unit, q.area, q.lang), question: q.text, answer }) };
    if (await this.outsideWindow(q.user)) {
      await this.store.hold(q.user, reply);
      return 'waiting';
    }
    await this.app.outbound.enqueue([{ user: q.user, campaign: ANSWER_CAMPAIGN, key: `q-answer:${q.id}`, kind: 'notice', replies: [reply] }]);
    return 'sent';
  }

  private async outsideWindow(user: string): Promise<boolean> {
    if (splitUserId(user).channel !== 'zalo' || this.app.config.ZALO_BOT_TOKEN) return false;
    const person = await this.app.users.get(user);
    return !person || this.app.clock.now().getTime() - person.lastSeen >= MESSAGING_WINDOW_MS;
  }

  /** Where answers wait for the person's next message: only Zalo keeps any. */
  heldKey(user: string): string | undefined {
    // Asked on every message: the id's prefix, not a parse of it.
    return user.startsWith('zalo:') ? this.store.inboxKey(user) : undefined;
  }

  /** Answers kept for the person's next message, marked as told. */
  async held(user: string): Promise<Reply[]> {
    if (!this.heldKey(user)) return [];
    const replies = await this.store.takeHeld(user);
    // The answers are taken: a failure to mark them told must not lose them.
    if (replies.length) await this.store.markTold(user).catch((err: unknown) => this.app.log.warn({ err, user }, 'questions: could not mark answers told'));
    return replies;
  }

  /** An officer keeps an answer as a note: the bot gives it to the next person who asks the same. */
  async keepNote(who: Answerer, area: string, question: string, answer: string): Promise<Note | undefined> {
    if (!this.covers(who, area)) return undefined;
    return this.store.addNote({ question: question.slice(0, TEXT_MAX), answer: answer.slice(0, TEXT_MAX), ...(who.unit ? { unit: who.unit } : {}), area, at: this.app.clock.now().getTime() });
  }

  /** The notes speaking for the given areas or areas under them, newest first. */
  async notesFor(areas: readonly string[]): Promise<Note[]> {
    const notes = await this.store.notes();
    return notes.filter((n) => this.covers({ areas }, n.area)).sort((a, b) => b.at - a.at);
  }

  /** Stops the bot answering from a note; only for an officer of its area. */
  async dropNote(who: Answerer, note: Note): Promise<boolean> {
    return this.covers(who, note.area) && this.store.removeNote(note.id);
  }

  /**
   * The note that answers a question, for someone of `area` (a note speaks for its own area; someone
   * whose area is not known gets it with its citation saying whose answer it is). Read from Redis each
   * time: a note saved on any instance answers at once.
   */
  async fromNotes(text: string, lang: Language, area: string | undefined): Promise<string | undefined> {
    const asked = this.terms(text, lang);
    const notes = await this.store.notes();
    const fits = notes
      .filter((n) => area === undefined || this.app.areas.isWithin(area, n.area))
      .filter((n) => {
        const key = `${n.id}:${lang}`;
        let own = this.noteTerms.get(key);
        if (!own) this.noteTerms.set(key, (own = this.terms(n.question, lang)));
        return noteAnswers(own, asked);
      })
      .sort((a, b) => b.at - a.at);
    const note = fits[0];
    if (!note) return undefined;
    const t = this.app.i18n.for(lang);
    return t('questions.note_answer', { answer: note.answer, unit: this.unitName(note.unit, note.area, lang), date: formatVnDate(vnDate(new Date(note.at))) });
  }
}
