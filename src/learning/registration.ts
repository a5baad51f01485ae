import type { Area } from '../areas/areas.js';
import { foldVietnamese } from '../core/fold.js';
import type { Turn } from '../engine/turn.js';
import { askConsent, hasConsent } from './consent.js';
import { learningData, thisYear, type LearningContext } from './context.js';
import { areaName, profileText } from './format.js';
import { isEditable, profileSchema, type Profile } from './records.js';

/** Buttons for provinces only when the data lists communes for a handful of them; otherwise people type. */
const MAX_PROVINCE_BUTTONS = 8;
const MAX_COMMUNE_CHOICES = 8;
const OLDEST_AGE = 110;
const YOUNGEST_AGE = 5;
/** The answer of someone whose commune the area data does not list. */
const NOT_LISTED = 'not_listed';

/** The province recorded as the person's area: then on to the group, or back to saving an edit. */
const PROVINCE_AS_AREA = ['province', 'province_edit'] as const;

function draftOf(turn: Turn): NonNullable<ReturnType<typeof learningData.read>['reg']> {
  return learningData.read(turn).reg ?? {};
}

const ok = (value: unknown) => ({ ok: true as const, value });
const fail = (error: string, params?: Record<string, unknown>) => ({ ok: false as const, error, params });

/** "Tỉnh Sơn La" → "son la": what people type for it. */
function bareName(area: Area): string {
  return foldVietnamese(area.name).replace(/^(tinh|thanh pho|xa|phuong|dac khu|thi tran)\s+/, '');
}

export function registerRegistration(ctx: LearningContext): void {
  const { app, store, criteria } = ctx;
  const { areas } = app;
  const provinces = () => areas.roots();

  const fromProfile = (p: Profile) => ({
    name: p.name,
    birthYear: p.birthYear,
    area: p.area,
    province: areas.get(p.area)?.parent ?? p.area,
    group: p.group,
    ...(p.phone ? { phone: p.phone } : {}),
  });

  /** Records the province itself as the person's area, with a word on why, and moves past the commune questions. */
  const provinceAsArea = (turn: Turn, notice: string): (typeof PROVINCE_AS_AREA)[number] => {
    const { reg = {}, edit } = learningData.read(turn);
    const province = String(reg.province);
    learningData.update(turn, { reg: { ...reg, area: province } });
    turn.say(notice, { province: areaName(areas, province) });
    return edit ? 'province_edit' : 'province';
  };

  app.registry
    .action('learning.beginRegistration', ['no_consent', 'registered', 'known'], async (turn) => {
      if (!(await hasConsent(ctx, turn))) return askConsent(turn);
      const year = thisYear(ctx);
      learningData.update(turn, { year, edit: undefined });
      if (await store.file(turn.user, year)) {
        turn.say('learning.already_registered', { year });
        return 'registered';
      }
      const profile = await store.profile(turn.user);
      if (!profile) {
        learningData.update(turn, { reg: {} });
        return undefined;
      }
      learningData.update(turn, { reg: fromProfile(profile) });
      turn.say('learning.profile_show', { profile: profileText(turn.t, areas, profile) });
      return 'known';
    })
    .validator('learning.fullName', async (value) => {
      const name = String(value).replace(/\s+/g, ' ').trim();
      // Letters, spaces and the marks names carry; digits mean the answer was something else.
      if (!/^[\p{L}\p{M}][\p{L}\p{M} .'-]*$/u.test(name) || name.length < 2) return fail('learning.bad_name');
      return ok(name);
    })
    .validator('learning.birthYear', async (value) => {
      const min = thisYear(ctx) - OLDEST_AGE;
      const max = thisYear(ctx) - YOUNGEST_AGE;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return fail('learning.bad_birth_year', { min, max });
      return ok(value);
    })
    .choices('learning.provinces', async () => {
      const listed = provinces().filter((p) => areas.children(p.id).length > 0);
      return listed.length <= MAX_PROVINCE_BUTTONS ? listed.map((p) => ({ value: p.id, label: p.name })) : [];
    })
    .validator('learning.province', async (value) => {
      const typed = String(value);
      const exact = areas.get(typed);
      if (exact && !exact.parent) return ok(exact.id);
      const found = areas.search(typed, { limit: 50 }).filter((a) => !a.parent);
      const folded = foldVietnamese(typed);
      const hit = found.length === 1 ? found[0] : found.find((a) => bareName(a) === folded || foldVietnamese(a.name) === folded);
      if (hit) return ok(hit.id);
      if (found.length > 1) return fail('learning.many_provinces', { names: found.slice(0, 5).map((a) => a.name).join(', ') });
      return fail('learning.bad_province');
    })
    .action('learning.afterProvince', PROVINCE_AS_AREA, async (turn) => {
      if (areas.children(String(draftOf(turn).province)).length > 0) return undefined;
      return provinceAsArea(turn, 'learning.province_only');
    })
    .action('learning.wholeProvince', PROVINCE_AS_AREA, async (turn) => provinceAsArea(turn, 'learning.commune_not_listed'))
    .validator('learning.communeQuery', async (value, turn) => {
      if (value === NOT_LISTED) return ok(value);
      const province = draftOf(turn).province ?? '';
      const found = areas.search(String(value), { within: province }).filter((a) => a.id !== province);
      return found.length ? ok(String(value)) : fail('learning.bad_commune', { province: areaName(areas, province) });
    })
    .choices('learning.communes', async (turn) => {
      const { province = '', q = '' } = draftOf(turn);
      const found = areas.search(q, { within: province, limit: MAX_COMMUNE_CHOICES + 1 }).filter((a) => a.id !== province);
      return [
        ...found.slice(0, MAX_COMMUNE_CHOICES).map((a) => ({ value: a.id, label: a.name })),
        { value: 'again', label: turn.t('learning.choice.again') },
        { value: NOT_LISTED, label: turn.t('learning.choice.not_listed') },
      ];
    })
    .choices('learning.groups', async (turn) => criteria.file.groups.map((g) => ({ value: g, label: turn.t(`learning.group.${g}`) })))
    .action('learning.saveProfile', ['incomplete', 'edited'], async (turn) => {
      const { edit } = learningData.read(turn);
      const draft = draftOf(turn);
      const parsed = profileSchema.omit({ updatedAt: true }).safeParse({
        name: draft.name,
        birthYear: draft.birthYear,
        area: draft.area,
        group: draft.group,
        // "skip" leaves no phone, also when editing: that is how a number is removed.
        ...(draft.phone && draft.phone !== 'skip' ? { phone: draft.phone } : {}),
      });
      if (!parsed.success || !areas.get(parsed.data.area) || !criteria.file.groups.includes(parsed.data.group)) {
        // Only a session from an older version of the flow gets here: start the questions again.
        turn.say('learning.registration_incomplete');
        learningData.update(turn, { reg: {}, edit: undefined });
        return 'incomplete';
      }
      const profile = await store.saveProfile(turn.user, parsed.data);
      await app.users.setArea(turn.user, profile.area);
      learningData.update(turn, { reg: undefined, edit: undefined });
      if (edit) {
        const file = await store.latestFile(turn.user);
        if (file && (file.area !== profile.area || file.group !== profile.group)) {
          // A file already with an officer, or recognised, stays where it was sent.
          if (isEditable(file)) await store.updateFile(turn.user, file.year, (f) => (isEditable(f) ? { ...f, area: profile.area, group: profile.group } : 'locked'));
          else turn.say('learning.profile_file_locked', { year: file.year });
        }
        turn.say('learning.profile_saved');
        return 'edited';
      }
      const year = thisYear(ctx);
      await store.createFile(turn.user, year, profile.area, profile.group);
      learningData.update(turn, { year });
      return undefined;
    })
    .action('learning.showProfile', ['unregistered'], async (turn) => {
      const profile = await store.profile(turn.user);
      if (!profile) return 'unregistered';
      learningData.update(turn, { reg: fromProfile(profile), edit: undefined });
      turn.say('learning.profile_show', { profile: profileText(turn.t, areas, profile) });
      return undefined;
    });
}
