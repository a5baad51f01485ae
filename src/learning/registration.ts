import { z } from 'zod';
import { bareName, type Area } from '../areas/areas.js';
import { foldVietnamese } from '../core/fold.js';
import type { Turn } from '../engine/turn.js';
import { askConsent, hasConsent } from './consent.js';
import { sessionPart, thisYear, type LearningContext } from './context.js';
import { areaName, profileText } from './format.js';
import { isEditable, profileSchema, type Profile } from './records.js';

/** Buttons for provinces only when the data lists communes for a handful of them; otherwise people type. */
const MAX_PROVINCE_BUTTONS = 8;
const MAX_COMMUNE_CHOICES = 8;
const OLDEST_AGE = 110;
const YOUNGEST_AGE = 5;
/** The answer of someone whose commune the area data does not list. */
const NOT_LISTED = 'not_listed';

/** The registration answers as the flow saved them (edits start from the stored profile). */
const draftSchema = z.object({
  name: z.string().optional(),
  birthYear: z.number().optional(),
  province: z.string().optional(),
  q: z.string().optional(),
  area: z.string().optional(),
  group: z.string().optional(),
  phone: z.string().optional(),
});

function draftOf(turn: Turn): z.infer<typeof draftSchema> {
  return draftSchema.catch({}).parse(sessionPart(turn, 'lc').reg);
}

const ok = (value: unknown) => ({ ok: true as const, value });
const fail = (error: string, params?: Record<string, unknown>) => ({ ok: false as const, error, params });

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

  /** The province the person chose, or undefined when they typed a commune's name instead. */
  const chosenProvince = (turn: Turn): Area | undefined => {
    const area = areas.get(draftOf(turn).province ?? '');
    return area && !area.parent ? area : undefined;
  };

  /** Communes matching typed words: within the chosen province, or anywhere when none was chosen. */
  const matchingCommunes = (turn: Turn, typed: string, limit: number): Area[] => {
    const province = chosenProvince(turn);
    return province
      ? areas.search(typed, { within: province.id, limit: limit + 1 }).filter((a) => a.id !== province.id).slice(0, limit)
      : areas.search(typed, { kind: 'commune', limit });
  };

  /** Records the province itself as the person's area, with a word on why, and moves past the commune questions. */
  const provinceAsArea = (turn: Turn, notice: string) => {
    const lc = sessionPart(turn, 'lc');
    const reg = lc.reg as Record<string, unknown>;
    const province = chosenProvince(turn)?.id;
    // Someone who typed a commune's name and then found it missing is asked their province after all.
    if (!province) return { next: 'province' };
    reg.area = province;
    turn.say(notice, { province: areaName(areas, province) });
    return { next: lc.edit ? 'save' : 'group' };
  };

  app.registry
    .action('learning.beginRegistration', async (turn) => {
      if (!(await hasConsent(ctx, turn))) return askConsent(turn);
      const lc = sessionPart(turn, 'lc');
      const year = thisYear(ctx);
      lc.year = year;
      delete lc.edit;
      if (await store.file(turn.user, year)) {
        turn.say('learning.already_registered', { year });
        return { goto: 'learning.hub' };
      }
      const profile = await store.profile(turn.user);
      if (!profile) {
        lc.reg = {};
        return undefined;
      }
      lc.reg = fromProfile(profile);
      turn.say('learning.profile_show', { profile: profileText(turn.t, areas, profile) });
      return { next: 'confirm_profile' };
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
      const found = areas.search(typed, { kind: 'province', limit: 50 });
      const folded = foldVietnamese(typed);
      const hit = found.length === 1 ? found[0] : found.find((a) => bareName(a.name) === folded || foldVietnamese(a.name) === folded);
      if (hit) return ok(hit.id);
      if (found.length > 1) return fail('learning.many_provinces', { names: found.slice(0, 5).map((a) => a.name).join(', ') });
      // Not a province: the name of a commune, typed straight away, is looked up in every province.
      if (areas.search(typed, { kind: 'commune', limit: 1 }).length) return ok(typed);
      return fail('learning.bad_province');
    })
    .action('learning.afterProvince', async (turn) => {
      const province = chosenProvince(turn);
      if (!province) {
        // A commune's name in place of the province: its matches, each shown with its province, come next.
        const reg = sessionPart(turn, 'lc').reg as Record<string, unknown>;
        reg.q = reg.province;
        delete reg.province;
        return { next: 'commune' };
      }
      if (areas.children(province.id).length > 0) return undefined;
      return provinceAsArea(turn, 'learning.province_only');
    })
    .action('learning.wholeProvince', async (turn) => provinceAsArea(turn, 'learning.commune_not_listed'))
    .validator('learning.communeQuery', async (value, turn) => {
      if (value === NOT_LISTED) return ok(value);
      if (matchingCommunes(turn, String(value), 1).length) return ok(String(value));
      const province = chosenProvince(turn);
      return province ? fail('learning.bad_commune', { province: province.name }) : fail('learning.bad_commune_anywhere');
    })
    .choices('learning.communes', async (turn) => {
      const anywhere = !chosenProvince(turn);
      return [
        // Found in any province, a commune is shown with its province: "Xã Tân Lập, Tỉnh Quảng Trị".
        ...matchingCommunes(turn, draftOf(turn).q ?? '', MAX_COMMUNE_CHOICES).map((a) => ({ value: a.id, label: anywhere ? a.fullName : a.name })),
        { value: 'again', label: turn.t('learning.choice.again') },
        ...(anywhere ? [] : [{ value: NOT_LISTED, label: turn.t('learning.choice.not_listed') }]),
      ];
    })
    .choices('learning.groups', async (turn) => criteria.file.groups.map((g) => ({ value: g, label: turn.t(`learning.group.${g}`) })))
    .action('learning.saveProfile', async (turn) => {
      const lc = sessionPart(turn, 'lc');
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
        lc.reg = {};
        delete lc.edit;
        return { next: 'name' };
      }
      const profile = await store.saveProfile(turn.user, parsed.data);
      await app.users.setArea(turn.user, profile.area);
      delete lc.reg;
      if (lc.edit) {
        delete lc.edit;
        const file = await store.latestFile(turn.user);
        if (file && (file.area !== profile.area || file.group !== profile.group)) {
          // A file already with an officer, or recognised, stays where it was sent.
          if (isEditable(file)) await store.updateFile(turn.user, file.year, (f) => (isEditable(f) ? { ...f, area: profile.area, group: profile.group } : 'locked'));
          else turn.say('learning.profile_file_locked', { year: file.year });
        }
        turn.say('learning.profile_saved');
        return { next: 'profile' };
      }
      const year = thisYear(ctx);
      await store.createFile(turn.user, year, profile.area, profile.group);
      lc.year = year;
      return undefined;
    })
    .action('learning.showProfile', async (turn) => {
      const profile = await store.profile(turn.user);
      if (!profile) return { goto: 'learning_register' };
      const lc = sessionPart(turn, 'lc');
      lc.reg = fromProfile(profile);
      delete lc.edit;
      turn.say('learning.profile_show', { profile: profileText(turn.t, areas, profile) });
      return undefined;
    });
}
