import { addDays, formatVnDate, vnDate } from '../core/clock.js';
import type { Choice } from '../core/message.js';
import { PagedList } from '../engine/paging.js';
import type { Turn } from '../engine/turn.js';
import { learningData, type LearningContext } from './context.js';
import { activityLine, formatNumber, numberedLabel, totalHours } from './format.js';
import { activitySchema, evidenceSchema, isEditable, type Activity, type LearningFile } from './records.js';

const TITLE_IN_BUTTON = 28;

type Draft = NonNullable<ReturnType<typeof learningData.read>['act']>;

function draftOf(turn: Turn): Draft {
  return learningData.read(turn).act ?? {};
}

/** An empty draft is left out of the session (it is kept between messages, one per person). */
function setDraft(turn: Turn, act: Draft): void {
  learningData.update(turn, { act: Object.keys(act).length ? act : undefined });
}

/** Why the activity log cannot change the file: none yet, or it is with an officer or decided. */
const NOT_EDITABLE = ['unregistered', 'locked'] as const;

const ok = (value: unknown) => ({ ok: true as const, value });
const fail = (error: string, params?: Record<string, unknown>) => ({ ok: false as const, error, params });

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function registerActivities(ctx: LearningContext): void {
  const { app, store, criteria } = ctx;

  /** The file the activity log works on, when it may still be changed; otherwise says why not. */
  const editableFile = async (turn: Turn): Promise<{ file: LearningFile } | (typeof NOT_EDITABLE)[number]> => {
    const file = await store.latestFile(turn.user);
    if (!file) return 'unregistered';
    if (!isEditable(file)) {
      turn.say(`learning.locked.${file.status}`, { year: file.year });
      return 'locked';
    }
    learningData.update(turn, { year: file.year });
    return { file };
  };

  const paged = new PagedList(learningData, 'learning');
  const page = async (turn: Turn) => {
    const file = await store.latestFile(turn.user);
    const activities = file ? await store.activities(turn.user, file.year) : [];
    return { file, activities, ...paged.page(turn, activities) };
  };

  app.registry
    .action('learning.beginActivity', NOT_EDITABLE, async (turn) => {
      const found = await editableFile(turn);
      if (typeof found === 'string') return found;
      setDraft(turn, {});
      return undefined;
    })
    .validator('learning.activityDate', async (value, turn) => {
      const today = vnDate(turn.now());
      const date = value === 'today' ? today : value === 'yesterday' ? addDays(today, -1) : String(value);
      const year = Number(learningData.read(turn).year);
      if (date > today) return fail('learning.bad_date_future');
      if (Number(date.slice(0, 4)) !== year) return fail('learning.bad_date_year', { year });
      return ok(date);
    })
    .choices('learning.kinds', async (turn) => criteria.file.activity_kinds.map((k) => ({ value: k, label: turn.t(`learning.kind.${k}`) })))
    .validator('learning.hours', async (value) => {
      // Hundredths, so that 45 minutes stays 0,75 hours and 20 minutes 0,33.
      const hours = Math.round(Number(value) * 100) / 100;
      const max = criteria.file.max_hours_per_activity;
      if (!(hours > 0)) return fail('learning.bad_hours_zero');
      if (hours > max) return fail('learning.bad_hours_absurd', { max });
      return ok(hours);
    })
    .choices('learning.indicatorToggles', async (turn) => {
      const picked = new Set(draftOf(turn).indicators ?? []);
      // The indicators first and in order, so that a list number is the indicator's number.
      return [
        ...criteria.indicators.map((n) => ({
          value: `i${n}`,
          label: `${picked.has(n) ? '☑' : '☐'} ${numberedLabel(turn.channel, n, turn.t(`learning.indicator_short.${n}`))}`,
        })),
        { value: 'done', label: turn.t('learning.choice.done') },
      ];
    })
    .action('learning.pickIndicators', ['toggled', 'none_picked', 'editing'], async (turn) => {
      const { pick } = learningData.read(turn);
      learningData.update(turn, { pick: undefined });
      const draft = draftOf(turn);
      const picked = new Set(draft.indicators ?? []);
      if (Array.isArray(pick)) {
        setDraft(turn, { ...draft, indicators: pick });
      } else if (typeof pick === 'string' && /^i\d+$/.test(pick)) {
        const n = Number(pick.slice(1));
        if (picked.has(n)) picked.delete(n);
        else picked.add(n);
        setDraft(turn, { ...draft, indicators: [...picked].sort((a, b) => a - b) });
        return 'toggled';
      } else if (picked.size === 0) {
        turn.say('learning.need_indicator');
        return 'none_picked';
      }
      return draft.id ? 'editing' : undefined;
    })
    .validator('learning.evidence', async (value, turn) => {
      if (value === 'skip') return ok(value);
      const stamped = typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'file' ? { ...value, channel: turn.channel } : value;
      const parsed = evidenceSchema.safeParse(stamped);
      return parsed.success ? ok(parsed.data) : fail('learning.bad_evidence');
    })
    .action('learning.saveActivity', [...NOT_EDITABLE, 'gone', 'edited'], async (turn) => {
      const found = await editableFile(turn);
      if (typeof found === 'string') return found;
      const { file } = found;
      const draft = draftOf(turn);
      const existing = draft.id ? await store.activity(turn.user, file.year, draft.id) : undefined;
      if (draft.id && !existing) {
        turn.say('learning.activity_gone');
        return 'gone';
      }
      const now = turn.now().getTime();
      // "Skip" adds no evidence to a new activity and keeps the evidence of one being edited.
      const evidence = draft.evidence === 'skip' || draft.evidence === undefined ? existing?.evidence : draft.evidence;
      const activity: Activity = activitySchema.parse({
        id: existing?.id ?? store.newActivityId(),
        date: draft.date,
        kind: draft.kind,
        title: draft.title,
        hours: draft.hours,
        indicators: draft.indicators,
        ...(evidence ? { evidence } : {}),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      });
      await store.putActivity(turn.user, file.year, activity);
      turn.say('learning.activity_saved', { title: activity.title, date: formatVnDate(activity.date) });
      if (!activity.evidence) turn.say('learning.activity_saved_no_evidence');
      if (existing) {
        setDraft(turn, { id: activity.id });
        return 'edited';
      }
      setDraft(turn, {});
      return undefined;
    })
    .action('learning.listActivities', ['unregistered', 'empty'], async (turn) => {
      const { file, activities, index, pages } = await page(turn);
      if (!file) return 'unregistered';
      if (!activities.length) {
        turn.say('learning.no_activities', { year: file.year });
        return 'empty';
      }
      turn.say('learning.list_head', {
        year: file.year,
        count: activities.length,
        hours: formatNumber(turn.t, totalHours(activities)),
        page: index + 1,
        pages,
      });
      return undefined;
    })
    .choices('learning.activityChoices', async (turn) => {
      const current = await page(turn);
      const choices: Choice[] = current.items.map((a) => ({
        value: a.id,
        label: `${formatVnDate(a.date).slice(0, 5)} ${shorten(a.title, TITLE_IN_BUTTON)}`,
      }));
      return paged.choices(turn, choices, current);
    })
    .action('learning.pickActivity', ['more', 'back'], async (turn) => {
      const pick = String(learningData.read(turn).pick ?? '');
      learningData.update(turn, { pick: undefined });
      const paging = paged.pick(turn, pick, await page(turn));
      if (paging !== 'item') return paging;
      setDraft(turn, { id: pick });
      return undefined;
    })
    .action('learning.showActivity', ['gone'], async (turn) => {
      const file = await store.latestFile(turn.user);
      const id = draftOf(turn).id;
      const activity = file && id ? await store.activity(turn.user, file.year, id) : undefined;
      if (!file || !activity) {
        turn.say('learning.activity_gone');
        return 'gone';
      }
      const editable = isEditable(file);
      // Editing starts from what is stored: each question then changes one field.
      learningData.update(turn, {
        editable,
        year: file.year,
        act: { id: activity.id, date: activity.date, kind: activity.kind, title: activity.title, hours: activity.hours, indicators: activity.indicators },
      });
      turn.say('learning.activity_detail', { line: activityLine(turn.t, activity) });
      if (!editable) turn.say(`learning.locked.${file.status}`, { year: file.year });
      return undefined;
    })
    .action('learning.deleteActivity', NOT_EDITABLE, async (turn) => {
      const found = await editableFile(turn);
      if (typeof found === 'string') return found;
      const id = draftOf(turn).id;
      const activity = id ? await store.activity(turn.user, found.file.year, id) : undefined;
      if (activity && (await store.deleteActivity(turn.user, found.file.year, activity.id))) turn.say('learning.activity_deleted', { title: activity.title });
      else turn.say('learning.activity_gone');
      setDraft(turn, {});
      return undefined;
    });
}
