/** Time is injected so that schedules and date inputs can be tested on any day. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Viet Nam has no daylight saving time: UTC+7 all year. */
const VN_OFFSET_MS = 7 * 3600_000;

/** The calendar date in Viet Nam as "YYYY-MM-DD". */
export function vnDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD HH:mm" in Viet Nam. */
export function vnDateTime(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** "HH:mm dd/mm/yyyy" in Viet Nam: a moment as people read it in a message. */
export function formatVnDateTime(at: Date): string {
  const [date, time] = vnDateTime(at).split(' ') as [string, string];
  return `${time} ${formatVnDate(date)}`;
}

/** The instant a Viet Nam calendar date (and optional time) starts. */
export function vnInstant(isoDate: string, hh = 0, mm = 0): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, hh, mm) - VN_OFFSET_MS);
}

/** Adds whole days to a "YYYY-MM-DD" date. */
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD" → "dd/mm/yyyy", the way Vietnamese write dates. */
export function formatVnDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}
