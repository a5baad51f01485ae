import type { App } from '../app/app.js';
import type { Language } from '../i18n/index.js';
import { reviewableAreas } from '../learning/access.js';
import type { Criteria } from '../learning/criteria.js';
import type { UnitKinds } from '../reminders/units.js';
import type { GrantableRole } from './roles.js';

/** The data an invite's description reads: the reviewing unit per area, and the unit kinds' names. */
export interface AbilityDeps {
  app: App;
  criteria: Criteria;
  units: UnitKinds;
}

export interface InviteSpec {
  role: GrantableRole;
  area: string;
  unit?: string;
}

/**
 * What the holder of an invite will be able to do, in words, so that whoever makes it sees before
 * handing it out whether an officer will review the learning-citizen files (only with the unit that
 * recognises the title there, or with no unit) and which unit's reminders they get.
 */
export function inviteAbilities(deps: AbilityDeps, spec: InviteSpec, lang: Language): string[] {
  const { app, criteria, units } = deps;
  const t = app.i18n.for(lang);
  const area = app.areas.get(spec.area)?.fullName ?? spec.area;
  if (spec.role === 'organiser') return [t('roles.can.broadcast', { area })];
  const reviews = reviewableAreas({ app, criteria }, { admin: false, area: spec.area, ...(spec.unit ? { unit: spec.unit } : {}) }).length > 0;
  return [
    reviews
      ? t('roles.can.review', { area })
      : t('roles.can.not_review', { area, unit: units.name(criteria.reviewerUnit(spec.area, app.areas), lang) }),
    spec.unit ? t('roles.can.reminders', { unit: units.name(spec.unit, lang), area }) : t('roles.can.reminders_choose'),
  ];
}
