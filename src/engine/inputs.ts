import { foldVietnamese } from '../core/fold.js';
import { z } from 'zod';
import { addDays, vnDate } from '../core/clock.js';
import type { InputKind, InputResult, Registry } from './registry.js';

const fail = (error: string, params?: Record<string, unknown>): InputResult => ({ ok: false, error, params });

const textOptions = z.object({ min: z.number().int().min(0).default(1), max: z.number().int().min(1).max(4000).default(500) }).strict();

export const textInput: InputKind<z.infer<typeof textOptions>> = {
  options: textOptions,
  parse({ text }, { min, max }) {
    const value = text.trim();
    if (!value) return fail('common.invalid.text_empty');
    // Emoji or punctuation alone are no name, title or note.
    if (!/[\p{L}\p{N}]/u.test(value)) return fail('common.invalid.text_no_words');
    if (value.length < min) return fail('common.invalid.text_short', { min });
    if (value.length > max) return fail('common.invalid.text_long', { max, length: value.length });
    return { ok: true, value };
  },
};

const numberOptions = z
  .object({
    min: z.number().default(Number.MIN_SAFE_INTEGER),
    max: z.number().default(Number.MAX_SAFE_INTEGER),
    integer: z.boolean().default(false),
    /** Words allowed after the number (without diacritics) and what each multiplies it by, e.g. { phut: 0.0166667 }; without it any word is ignored. */
    units: z.record(z.string().regex(/^[a-z ]+$/), z.number().positive()).optional(),
  })
  .strict();

/** Accepts "1,5" as well as "1.5": Vietnamese write a decimal comma. A unit after the number is ignored unless the step lists its units. */
export const numberInput: InputKind<z.infer<typeof numberOptions>> = {
  options: numberOptions,
  parse({ text }, { min, max, integer, units }) {
    const m = /^\s*(-?\d+(?:[.,]\d+)?)\s*([\p{L}. ]+)?$/u.exec(text);
    if (!m?.[1]) return fail('common.invalid.number', { min, max });
    let value = Number(m[1].replace(',', '.'));
    const unit = m[2] ? foldVietnamese(m[2].replace(/\./g, ' ')).trim() : '';
    if (units && unit) {
      // "30 phút" where hours are asked is half an hour, not thirty hours.
      const factor = units[unit];
      if (factor === undefined) return fail('common.invalid.unit', { min, max });
      value *= factor;
    }
    if (integer && !Number.isInteger(value)) return fail('common.invalid.integer', { min, max });
    if (value < min || value > max) return fail('common.invalid.number_range', { min, max });
    return { ok: true, value };
  },
};

/** A bound is "today", "today+Nd"/"today-Nd", or a date "YYYY-MM-DD". */
const dateBound = z.string().regex(/^(today([+-]\d+d)?|\d{4}-\d{2}-\d{2})$/, 'today, today±Nd or YYYY-MM-DD');
const dateOptions = z.object({ min: dateBound.optional(), max: dateBound.optional() }).strict();

function resolveBound(bound: string, now: Date): string {
  if (!bound.startsWith('today')) return bound;
  const days = bound.length > 5 ? Number(bound.slice(5, -1)) : 0;
  return addDays(vnDate(now), days);
}

function toDisplay(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** Days named by a word, folded: "hôm nay", "hôm qua", "hôm kia" (typed with or without diacritics). */
const NAMED_DAYS = new Map<string, number>([
  ['hom nay', 0],
  ['today', 0],
  ['hom qua', -1],
  ['yesterday', -1],
  ['hom kia', -2],
]);

/**
 * dd/mm/yyyy, also with "-" or "." and one-digit day or month; dd/mm/yy (20yy); dd/mm (this year in
 * Viet Nam); "hôm nay", "hôm qua", "hôm kia". An optional "ngày" before the date is ignored. Saved as
 * "YYYY-MM-DD".
 */
export const dateInput: InputKind<z.infer<typeof dateOptions>> = {
  options: dateOptions,
  parse({ text }, opts, { now }) {
    const today = vnDate(now);
    const typed = foldVietnamese(text).replace(/[.!]+$/, '').replace(/^ngay\s+/, '');
    const named = NAMED_DAYS.get(typed);
    let iso: string;
    if (named !== undefined) iso = addDays(today, named);
    else {
      const m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?$/.exec(typed);
      if (!m) return fail('common.invalid.date');
      const year = m[3] === undefined ? Number(today.slice(0, 4)) : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      const [d, mo, y] = [Number(m[1]), Number(m[2]), year];
      const date = new Date(Date.UTC(y, mo - 1, d));
      if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
        return fail('common.invalid.date_unreal');
      iso = date.toISOString().slice(0, 10);
    }
    const min = opts.min && resolveBound(opts.min, now);
    const max = opts.max && resolveBound(opts.max, now);
    if (min && iso < min) return fail('common.invalid.date_before', { min: toDisplay(min) });
    if (max && iso > max) return fail('common.invalid.date_after', { max: toDisplay(max) });
    return { ok: true, value: iso };
  },
};

/**
 * Vietnamese mobile numbers: 10 digits, 0 then 3/5/7/8/9, or the same after +84 / 84; spaces, dots
 * and dashes are ignored. Saved as "0xxxxxxxxx".
 */
export const phoneInput: InputKind<Record<string, never>> = {
  options: z.object({}).strict(),
  parse({ text }) {
    const digits = text.replace(/[\s.()-]/g, '');
    const m = /^(?:\+?84|0)([35789]\d{8})$/.exec(digits);
    if (!m) return fail('common.invalid.phone');
    return { ok: true, value: `0${m[1]}` };
  },
};

export function registerCoreInputs(registry: Registry): void {
  registry.inputKind('text', textInput).inputKind('number', numberInput).inputKind('date', dateInput).inputKind('phone', phoneInput);
}
