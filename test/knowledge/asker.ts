import { join } from 'node:path';
import { Areas } from '../../src/areas/areas.js';
import { vnDate } from '../../src/core/clock.js';
import { dataPaths } from '../../src/core/paths.js';
import { createI18n } from '../../src/i18n/index.js';
import { loadKnowledgeBase, type Answer } from '../../src/knowledge/knowledge-base.js';
import { LiveFacts, type SettingsFor } from '../../src/knowledge/live-facts.js';
import { DeadlineCalendar } from '../../src/reminders/calendar.js';
import { EventCalendar } from '../../src/reminders/events.js';
import { UnitKinds } from '../../src/reminders/units.js';
import { FakeClock } from '../support/clock.js';

/** The day the issue was written on: questions about "this year" are asked in December 2026. */
export const clock = new FakeClock('2026-12-07T03:00:00Z');
export const i18n = createI18n();
export const kb = loadKnowledgeBase({ i18n });
const plansDir = dataPaths.plans;
const areas = Areas.load();
export const live = LiveFacts.load(
  plansDir,
  EventCalendar.load({ plansDir, areas }),
  DeadlineCalendar.load({ plansDir, areas, units: UnitKinds.load(join(dataPaths.data, 'units.yaml')) }),
  i18n,
);

/** A question answered as the chat answers it: live facts for today, else the plans. */
export const ask = (question: string, settingsFor?: SettingsFor): Promise<Answer> =>
  live.answerOr(kb, question, vnDate(clock.now()), undefined, settingsFor);
