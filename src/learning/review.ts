import { formatVnDate, vnDate } from '../core/clock.js';
import type { Translate } from '../i18n/index.js';
import { PagedList } from '../engine/paging.js';
import type { Turn } from '../engine/turn.js';
import { noteMessagesAbout } from '../outbound/deliver.js';
import { mayReview, reviewableAreas, reviewScope, type ReviewCheck } from './access.js';
import { reviewData, type LearningContext } from './context.js';
import { activityLine, areaName, formatNumber, numberedLabel, profileText, scoreBar, scoreLines, totalHours } from './format.js';
import type { LearningFile } from './records.js';
import type { OwnedFile } from './store.js';

/** The campaigns proactive learning messages are reported under. */
export const DECISION_CAMPAIGN = 'learning-decision';
export const SUBMITTED_CAMPAIGN = 'learning-submitted';

/**
 * The buttons under those messages are global commands, so they work whatever step the chat is at:
 * an officer opens the review queue, a citizen their file (the learning menu).
 */
export const REVIEW_COMMAND = 'review';
export const LEARNING_COMMAND = 'learning';

export type DecideResult =
  | { ok: true; file: LearningFile }
  | { ok: false; reason: 'not_officer' | 'missing' | 'not_submitted' | 'own_file' | Exclude<ReviewCheck, 'ok'> };

/** The exactly-once key of the notice about a file's n-th decision. */
export function decisionKey(file: Pick<LearningFile, 'id' | 'submissions'>): string {
  return `lc-decision:${file.id}:${file.submissions}`;
}

/** Files waiting for this officer, oldest first, over every year that has files. */
export async function reviewQueue(ctx: LearningContext, officer: string): Promise<OwnedFile[]> {
  const scope = await reviewScope(ctx, officer);
  if (!scope) return [];
  const areas = reviewableAreas(ctx, scope);
  const waiting = [];
  for (const year of await ctx.store.fileYears()) for (const entry of await ctx.store.usersIn(year, 'submitted', areas)) waiting.push({ ...entry, year });
  waiting.sort((a, b) => a.at - b.at);
  const files: OwnedFile[] = [];
  for (const w of waiting) {
    const file = w.user === officer ? undefined : await ctx.store.file(w.user, w.year);
    if (file?.status === 'submitted') files.push({ user: w.user, file });
  }
  return files;
}

/**
 * An officer's decision on a submitted file. The officer's area and unit are checked against the file
 * at the moment of deciding (a grant may have changed since the file was opened); a refusal changes
 * nothing. The citizen is told through the outbound queue and again in the learning menu.
 */
export async function decide(ctx: LearningContext, officer: string, fileId: string, outcome: 'approved' | 'returned', reason?: string): Promise<DecideResult> {
  const { app, store, criteria } = ctx;
  const scope = await reviewScope(ctx, officer);
  if (!scope) return { ok: false, reason: 'not_officer' };
  const owned = await store.fileById(fileId);
  if (!owned) return { ok: false, reason: 'missing' };
  // Nobody recognises their own file.
  if (owned.user === officer) return { ok: false, reason: 'own_file' };
  const check = mayReview(ctx, scope, owned.file.area);
  if (check !== 'ok') return { ok: false, reason: check };
  const now = app.clock.now().getTime();
  const result = await store.updateFile<'not_submitted'>(owned.user, owned.file.year, (f) =>
    f.id !== fileId || f.status !== 'submitted'
      ? 'not_submitted'
      : {
          ...f,
          status: outcome,
          decision: { outcome, at: now, by: officer, unit: criteria.reviewerUnit(f.area, app.areas), ...(reason ? { reason } : {}), seen: false },
        },
  );
  if (!result.ok) return result;
  await tellCitizen(ctx, owned.user, result.file);
  return result;
}

/** The decision as the citizen reads it, in their language. */
export function decisionText(t: Translate, file: LearningFile): string {
  const d = file.decision;
  if (!d) return '';
  const unit = t(`learning.unit.${d.unit}`);
  return d.outcome === 'approved'
    ? t('learning.notice_approved', { year: file.year, unit, date: formatVnDate(vnDate(new Date(d.at))) })
    : t('learning.notice_returned', { year: file.year, unit, reason: d.reason ?? '' });
}

async function tellCitizen(ctx: LearningContext, user: string, file: LearningFile): Promise<void> {
  const { app } = ctx;
  const lang = (await app.users.get(user))?.lang ?? 'vi';
  const t = app.i18n.for(lang);
  const key = decisionKey(file);
  await app.outbound.enqueue([
    {
      user,
      campaign: DECISION_CAMPAIGN,
      key,
      kind: 'notice',
      replies: [{ text: decisionText(t, file), choices: [{ label: t('learning.choice.open_file'), value: `/${LEARNING_COMMAND}` }] }],
    },
  ]);
}

/** The start of the send-once keys of the officers' notices about a file (one per time it is sent). */
export function submittedKeyPrefix(fileId: string): string {
  return `lc-submitted:${fileId}:`;
}

/**
 * Tells the officers who may review it that a file is waiting; the notice names the area, not the person.
 * The notices are noted as about the file's owner, whose erasure takes them along.
 */
export async function tellReviewers(ctx: LearningContext, owner: string, file: LearningFile, officers: string[]): Promise<void> {
  const { app } = ctx;
  const messages = [];
  for (const officer of officers) {
    const lang = (await app.users.get(officer))?.lang ?? 'vi';
    const t = app.i18n.for(lang);
    const text = t('review.new_file', { area: areaName(app.areas, file.area), year: file.year });
    const choices = [{ label: t('review.choice.open_queue'), value: `/${REVIEW_COMMAND}` }];
    messages.push({ user: officer, campaign: SUBMITTED_CAMPAIGN, key: `${submittedKeyPrefix(file.id)}${file.submissions}`, kind: 'notice' as const, replies: [{ text, choices }] });
  }
  if (!messages.length) return;
  await noteMessagesAbout(app, owner, messages);
  await app.outbound.enqueue(messages);
}

export function registerReview(ctx: LearningContext): void {
  const { app, store, criteria } = ctx;

  const paged = new PagedList(reviewData, 'review');
  const page = async (turn: Turn) => {
    const files = await reviewQueue(ctx, turn.user);
    return { files, ...paged.page(turn, files) };
  };

  const refusal = (turn: Turn, reason: Exclude<DecideResult, { ok: true }>['reason'], fileArea?: string) =>
    turn.say(`review.refused.${reason}`, { unit: fileArea ? turn.t(`learning.unit.${criteria.reviewerUnit(fileArea, app.areas)}`) : '' });

  const decideFromChat = async (turn: Turn, outcome: 'approved' | 'returned') => {
    const { reason, file: fileId = '' } = reviewData.read(turn);
    reviewData.update(turn, { reason: undefined });
    const owned = await store.fileById(fileId);
    const result = await decide(ctx, turn.user, fileId, outcome, outcome === 'returned' ? reason : undefined);
    if (!result.ok) {
      refusal(turn, result.reason, owned?.file.area);
      return undefined;
    }
    reviewData.update(turn, { file: undefined });
    const profile = await store.profile(owned?.user ?? '');
    turn.reply({ text: turn.t(`review.done_${outcome}`, { name: profile?.name ?? '', year: result.file.year }), personal: true });
    return undefined;
  };

  app.registry
    .data(reviewData)
    .command({
      name: REVIEW_COMMAND,
      aliases: ['duyệt hồ sơ'],
      outcomes: ['open'],
      async run() {
        return 'open';
      },
    })
    .command({
      name: LEARNING_COMMAND,
      // People ask to register in words rather than finding the menu entry; Q&A would only cite the plans.
      aliases: ['đăng ký', 'đăng kí', 'đăng ký công dân học tập', 'đăng kí công dân học tập', 'tôi muốn đăng ký', 'tôi muốn đăng ký công dân học tập'],
      outcomes: ['open'],
      async run() {
        return 'open';
      },
    })
    .action('review.showQueue', ['empty'], async (turn) => {
      const scope = await reviewScope(ctx, turn.user);
      const { files, items, index, pages } = await page(turn);
      if (!files.length) {
        const unitOk = !scope || scope.admin || reviewableAreas(ctx, scope).length > 0;
        turn.say(unitOk ? 'review.empty' : 'review.empty_wrong_unit', {
          unit: scope && !scope.admin ? turn.t(`learning.unit.${criteria.reviewerUnit(scope.area, app.areas)}`) : '',
        });
        return 'empty';
      }
      const lines = [turn.t('review.queue_head', { count: files.length, page: index + 1, pages })];
      for (const [i, { user, file }] of items.entries()) {
        const profile = await store.profile(user);
        lines.push(
          turn.t('review.queue_line', {
            n: i + 1,
            name: profile?.name ?? '?',
            area: app.areas.get(file.area)?.name ?? file.area,
            total: criteria.progress(file.scores).total,
            date: formatVnDate(vnDate(new Date(file.submittedAt ?? file.updatedAt))),
          }),
        );
      }
      turn.reply({ text: lines.join('\n'), personal: true });
      return undefined;
    })
    .choices('review.queueChoices', async (turn) => {
      const current = await page(turn);
      // Labels carry no names: the officer's session keeps the choices, and it is not the citizen's. Their
      // number is the queue line's, and the files come first, so Zalo's list number is the same.
      const choices = current.items.map(({ file }, i) => ({
        value: file.id,
        label: numberedLabel(turn.channel, i + 1, turn.t('review.item_label', { area: app.areas.get(file.area)?.name ?? file.area, total: criteria.progress(file.scores).total })),
      }));
      return paged.choices(turn, choices, current);
    })
    .action('review.open', ['more', 'back', 'refused'], async (turn) => {
      const pick = reviewData.read(turn).pick ?? '';
      reviewData.update(turn, { pick: undefined });
      const paging = paged.pick(turn, pick, await page(turn));
      if (paging !== 'item') return paging;
      const owned = await store.fileById(pick);
      const scope = await reviewScope(ctx, turn.user);
      if (!owned || owned.file.status !== 'submitted') {
        turn.say('review.refused.not_submitted');
        return 'refused';
      }
      if (owned.user === turn.user) {
        refusal(turn, 'own_file');
        return 'refused';
      }
      const check = scope ? mayReview(ctx, scope, owned.file.area) : 'outside_area';
      if (check !== 'ok') {
        refusal(turn, check, owned.file.area);
        return 'refused';
      }
      reviewData.update(turn, { file: owned.file.id });
      await showFile(turn, owned);
      return undefined;
    })
    .action('review.approve', async (turn) => decideFromChat(turn, 'approved'))
    .action('review.returnFile', async (turn) => decideFromChat(turn, 'returned'));

  /** The whole file: profile, scores, then the activities with their evidence (one line each, so long files split). */
  async function showFile(turn: Turn, { user, file }: OwnedFile): Promise<void> {
    const shownFrom = turn.replies.length;
    const profile = await store.profile(user);
    const activities = await store.activities(user, file.year);
    const p = criteria.progress(file.scores);
    turn.say('review.file_head', {
      year: file.year,
      profile: profile ? profileText(turn.t, app.areas, profile) : '?',
      bar: scoreBar(criteria, file),
      verdict: turn.t(p.passes ? 'review.passes' : 'review.does_not_pass'),
      scores: scoreLines(turn.t, criteria, file).join('\n'),
      submissions: file.submissions,
    });
    if (file.lastReturn?.reason)
      turn.say('review.file_last_return', { date: formatVnDate(vnDate(new Date(file.lastReturn.at))), reason: file.lastReturn.reason });
    turn.say('review.file_activities', { count: activities.length, hours: formatNumber(turn.t, totalHours(activities)) });
    for (const [i, a] of activities.entries()) turn.reply({ text: `${i + 1}. ${activityLine(turn.t, a)}` });
    // Photos and files follow, numbered as their activity, where the officer's channel can show them.
    const media = activities.flatMap((a, i) =>
      a.evidence?.type === 'file' ? [{ kind: a.evidence.kind, fileId: a.evidence.fileId, channel: a.evidence.channel, caption: `${i + 1}. ${a.title}` }] : [],
    );
    if (media.length) turn.reply({ text: turn.t('review.file_media', { count: media.length }), media });
    for (const r of turn.replies.slice(shownFrom)) r.personal = true;
  }
}
