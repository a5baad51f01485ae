import { z } from 'zod';
import type { App } from '../app/app.js';
import { FlowData } from '../engine/flow-data.js';
import { PagedList } from '../engine/paging.js';
import type { Turn } from '../engine/turn.js';
import { QUESTION_MAX } from '../knowledge/knowledge-base.js';
import { groupId, QUESTIONS_COMMAND, type Questions, type QuestionGroup } from './service.js';
import { TEXT_MAX } from './store.js';

/** Communes offered for what the person typed. */
const AREA_MATCHES = 6;
const RETYPE = 'retype';
/** How much of a question a list button shows. */
const LABEL_CHARS = 60;

/**
 * What the questions flow keeps while it runs: the declined question and the commune it goes to (the
 * person's), or for an officer the group picked, the answer typed and whether to keep it as a note.
 */
const questionData = new FlowData(
  'question',
  z.object({
    text: z.string().max(QUESTION_MAX).optional(),
    query: z.string().max(80).optional(),
    matches: z.array(z.string()).max(AREA_MATCHES).optional(),
    area: z.string().optional(),
    page: z.number().int().min(0).optional(),
    pick: z.string().optional(),
    group: z.object({ area: z.string(), ids: z.array(z.string()).min(1) }).optional(),
    answer: z.string().max(TEXT_MAX).optional(),
    keep: z.enum(['keep_note', 'no_note']).optional(),
  }),
  ['questions'],
);

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

/** The chat side: a citizen sends a declined question; an officer answers with /questions. */
export function registerQuestionChat(app: App, questions: Questions): void {
  const paged = new PagedList(questionData, 'questions');

  const groupsFor = async (turn: Turn): Promise<QuestionGroup[]> => {
    const who = await questions.answerer(turn.user);
    return who ? questions.groups(who.areas) : [];
  };
  const label = (turn: Turn, g: QuestionGroup): string =>
    turn.t('questions.group_label', { count: g.questions.length, area: questions.areaName(g.area), text: cut(g.questions[0]?.text ?? '', LABEL_CHARS) });

  app.registry
    .data(questionData)
    // The turn's own text is the question the plans did not answer.
    .action('questions.fromNotes', ['answered'], async (turn) => {
      const text = turn.text.slice(0, QUESTION_MAX);
      questionData.write(turn, { text });
      const area = (await app.users.get(turn.user))?.area;
      const answer = await questions.fromNotes(text, turn.lang, area);
      if (!answer) return undefined;
      questionData.clear(turn);
      turn.reply({ text: answer });
      return 'answered';
    })
    .action('questions.hasArea', ['known'], async (turn) => {
      const area = (await app.users.get(turn.user))?.area;
      if (!area || !app.areas.get(area)) return undefined;
      questionData.update(turn, { area });
      return 'known';
    })
    .action('questions.findArea', ['none', 'found'], async (turn) => {
      const found = app.areas.search(questionData.read(turn).query ?? '', { kind: 'commune', limit: AREA_MATCHES });
      if (!found.length) return 'none';
      questionData.update(turn, { matches: found.map((a) => a.id) });
      return 'found';
    })
    .choices('questions.areaMatches', async (turn) => [
      ...(questionData.read(turn).matches ?? []).flatMap((id) => {
        const a = app.areas.get(id);
        return a ? [{ value: a.id, label: a.fullName }] : [];
      }),
      { value: RETYPE, label: turn.t('questions.retype') },
    ])
    .action('questions.setArea', ['retype'], async (turn) => {
      const { area, matches } = questionData.read(turn);
      if (!area || !matches?.includes(area)) return 'retype';
      await app.users.setArea(turn.user, area);
      return undefined;
    })
    .action('questions.send', async (turn) => {
      const { text, area } = questionData.read(turn);
      questionData.clear(turn);
      if (!text || !area) return undefined;
      await questions.send(turn.user, text, area, turn.lang);
      // Said plainly when no officer of the commune (or province) has joined the bot yet: it waits for them.
      const staffed = await questions.staffed(area);
      turn.say(staffed ? 'questions.sent' : 'questions.sent_unstaffed', { area: questions.placeName(area, turn.lang) });
      return undefined;
    })

    // Officers.
    .action('questions.list', ['empty'], async (turn) => {
      const groups = await groupsFor(turn);
      if (!groups.length) {
        turn.say('questions.none_open');
        return 'empty';
      }
      const count = groups.reduce((n, g) => n + g.questions.length, 0);
      turn.say('questions.open_count', { count, groups: groups.length });
      return undefined;
    })
    .choices('questions.groups', async (turn) => {
      const groups = await groupsFor(turn);
      const page = paged.page(turn, groups);
      return paged.choices(turn, page.items.map((g) => ({ value: groupId(g), label: label(turn, g) })), page);
    })
    .action('questions.show', ['gone', 'more', 'back'], async (turn) => {
      const pick = questionData.read(turn).pick ?? '';
      questionData.update(turn, { pick: undefined });
      const groups = await groupsFor(turn);
      const paging = paged.pick(turn, pick, paged.page(turn, groups));
      if (paging !== 'item') return paging;
      // Looked up again: another officer may have answered it since the list was shown.
      const group = groups.find((g) => g.questions.some((q) => q.id === pick));
      if (!group) {
        turn.say('questions.gone');
        return 'gone';
      }
      questionData.update(turn, { group: { area: group.area, ids: group.questions.map((q) => q.id) } });
      const lines = group.questions.map((q) => turn.t('questions.asked_line', { text: q.text }));
      turn.say('questions.group_shown', { area: questions.areaName(group.area), count: group.questions.length, lines: lines.join('\n') });
      return undefined;
    })
    .action('questions.reply', ['gone'], async (turn) => {
      const { group, answer, keep } = questionData.read(turn);
      questionData.update(turn, { group: undefined, answer: undefined, keep: undefined });
      const who = await questions.answerer(turn.user);
      if (!group || !answer || !who) return 'gone';
      const answered = await questions.answer(who, group.area, group.ids, answer);
      if (!answered.length) {
        turn.say('questions.gone');
        return 'gone';
      }
      turn.say('questions.reply_sent', { count: answered.length });
      if (keep === 'keep_note' && (await questions.keepNote(who, group.area, answered[0]?.text ?? '', answer))) turn.say('questions.note_kept');
      turn.deps.log.info({ area: group.area, count: answered.length, note: keep === 'keep_note' }, 'questions: answered in the chat');
      return undefined;
    })
    .action('questions.forget', async (turn) => questionData.clear(turn))
    .command({
      name: QUESTIONS_COMMAND,
      aliases: ['câu hỏi của người dân', 'citizens questions'],
      outcomes: ['open'],
      async run(turn) {
        questionData.clear(turn);
        return 'open';
      },
    });
}
