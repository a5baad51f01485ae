import { z } from 'zod';
import type { InputKind } from '../engine/registry.js';

/**
 * A time of day as people type it: "8:30", "08.30", "8h30", "8g", "20 giờ 15", "8 gio"; saved as "HH:MM".
 * Named for its use so that it does not take a generic name another capability may want.
 */
export const sendTimeInput: InputKind<Record<string, never>> = {
  options: z.object({}).strict(),
  parse({ text }) {
    const m = /^\s*(\d{1,2})\s*(?:[:.hg]|giờ|gio)?\s*(\d{1,2})?\s*(?:phút|phut|p)?\s*$/iu.exec(text.normalize('NFC'));
    const hh = Number(m?.[1]);
    const mm = Number(m?.[2] ?? 0);
    if (!m || !(hh <= 23) || !(mm <= 59) || (m[2] !== undefined && m[2].length !== 2)) return { ok: false, error: 'broadcast.bad_time' };
    return { ok: true, value: `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}` };
  },
};
