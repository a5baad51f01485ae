import { z } from 'zod';
import type { App } from '../app/app.js';
import { vnDateTime } from '../core/clock.js';
import { html } from '../console/html.js';
import type { ConsoleContext } from '../console/pages.js';
import type { Answerer, Questions } from './service.js';
import { TEXT_MAX } from './store.js';

const ID = /^[A-Za-z0-9_-]{1,16}$/;

const answerForm = z.object({
  area: z.string().min(1).max(100),
  /** The group's question ids, separated by spaces. */
  ids: z
    .string()
    .trim()
    .transform((s) => s.split(/\s+/))
    .pipe(z.array(z.string().regex(ID)).min(1).max(500)),
  answer: z.string().trim().min(2, 'the answer is empty').max(TEXT_MAX),
  keep: z.literal('on').optional(),
  note_question: z.string().trim().max(TEXT_MAX).optional(),
});

const flash = z.object({
  answered: z.coerce.number().int().min(0).optional(),
  gone: z.literal('1').optional(),
  note: z.literal('1').optional(),
  dropped: z.literal('1').optional(),
});
const noteForm = z.object({ note: z.string().regex(ID) });

/** The officer signed in, as an answerer: the areas of their officer grant (every area for administrators) and their unit. */
function answererOf(ctx: ConsoleContext): Answerer {
  const unit = ctx.person.grants.find((g) => g.role === 'officer')?.unit;
  return { areas: ctx.person.areasFor('officer'), ...(unit ? { unit } : {}) };
}

/**
 * /admin/questions: the open questions of the officer's areas, alike ones together, each group with a form
 * that answers every person in it and may keep the answer as a note the bot gives next time.
 */
export function registerQuestionPages(app: App, questions: Questions): void {
  app.console
    .page({
      path: '/admin/questions',
      title: 'questions.console.title',
      needs: 'officer',
      async handler(ctx) {
        const { t } = ctx;
        const shown = ctx.query(flash);
        const groups = await questions.groups(ctx.person.areasFor('officer'));
        const done = [
          shown.answered !== undefined ? t('questions.console.answered', { count: shown.answered }) : '',
          shown.note ? t('questions.console.note_kept') : '',
          shown.gone ? t('questions.console.gone') : '',
          shown.dropped ? t('questions.console.note_dropped') : '',
        ].filter(Boolean);
        const notes = await questions.notesFor(ctx.person.areasFor('officer'));
        return html`<h1>${t('questions.console.title')}</h1>
<p class="muted">${t('questions.console.intro')}</p>
${done.map((line) => html`<p class="notice" role="status">${line}</p>`)}
${groups.length
  ? groups.map(
      (g, i) => html`<section class="card questions" data-group="${g.questions.length}">
<h2>${t('questions.console.group', { count: g.questions.length, area: questions.areaName(g.area) })}</h2>
<ul>${g.questions.map((q) => html`<li><span data-question>${q.text}</span> <span class="muted">(${vnDateTime(new Date(q.askedAt))})</span></li>`)}</ul>
<form method="post" action="/admin/questions/answer">${ctx.csrfField}
<input type="hidden" name="area" value="${g.area}"><input type="hidden" name="ids" value="${g.questions.map((q) => q.id).join(' ')}">
<label for="answer-${i}">${t('questions.console.answer_label')}</label>
<textarea id="answer-${i}" name="answer" rows="4" maxlength="${TEXT_MAX}" required></textarea>
<p><label><input type="checkbox" name="keep"> ${t('questions.console.keep_label')}</label></p>
<label for="note-${i}">${t('questions.console.note_question_label')}</label>
<input type="text" id="note-${i}" name="note_question" maxlength="${TEXT_MAX}" value="${g.questions[0]?.text ?? ''}">
<p><button type="submit">${t('questions.console.send', { count: g.questions.length })}</button></p>
</form>
</section>`,
    )
  : html`<div class="card"><p data-empty>${t('questions.console.empty')}</p></div>`}
<h2>${t('questions.console.notes_title')}</h2>
${notes.length
  ? html`<div class="table-wrap"><table data-notes><thead><tr><th>${t('questions.console.note_question')}</th><th>${t('questions.console.note_answer')}</th><th>${t('questions.console.note_by')}</th><th></th></tr></thead>
<tbody>${notes.map(
      (n) => html`<tr><td>${n.question}</td><td>${n.answer}</td><td>${questions.unitName(n.unit, n.area, ctx.lang)}, ${vnDateTime(new Date(n.at))}</td>
<td><form method="post" action="/admin/questions/notes/drop">${ctx.csrfField}<input type="hidden" name="note" value="${n.id}"><button type="submit" class="danger">${t('questions.console.drop_note')}</button></form></td></tr>`,
    )}</tbody></table></div>`
  : html`<p class="muted">${t('questions.console.no_notes')}</p>`}`;
      },
    })
    .action({
      path: '/admin/questions/answer',
      needs: 'officer',
      async handler(ctx) {
        const form = ctx.form(answerForm);
        // 404 for an area the officer does not answer for: nothing tells "not yours" from "none".
        ctx.requireArea(form.area);
        const who = answererOf(ctx);
        const answered = await questions.answer(who, form.area, form.ids, form.answer);
        if (!answered.length) return '/admin/questions?gone=1';
        await ctx.audit('questions.answer', `${answered.length} questions`, form.area);
        let note = false;
        if (form.keep) {
          note = (await questions.keepNote(who, form.area, form.note_question || (answered[0]?.text ?? ''), form.answer)) !== undefined;
          if (note) await ctx.audit('questions.note', 'note', form.area);
        }
        return `/admin/questions?answered=${answered.length}${note ? '&note=1' : ''}`;
      },
    })
    .action({
      path: '/admin/questions/notes/drop',
      needs: 'officer',
      async handler(ctx) {
        const { note: id } = ctx.form(noteForm);
        const note = await questions.store.note(id);
        if (!note) return '/admin/questions?gone=1';
        ctx.requireArea(note.area);
        if (await questions.dropNote(answererOf(ctx), note)) await ctx.audit('questions.note-drop', 'note', note.area);
        return '/admin/questions?dropped=1';
      },
    });
}
