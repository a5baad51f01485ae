import { describe, expect, it } from 'vitest';
import { sendTimeInput } from '../../src/broadcast/time-input.js';

const parse = (text: string) => sendTimeInput.parse({ text }, {}, { now: new Date() });

describe('the send time an organiser types', () => {
  it.each([
    ['8:30', '08:30'],
    ['08.30', '08:30'],
    ['8h30', '08:30'],
    ['8h', '08:00'],
    ['8g', '08:00'],
    ['20 giờ 15', '20:15'],
    ['20 gio 15 phut', '20:15'],
    ['7', '07:00'],
    ['23:59', '23:59'],
  ])('reads %j as %s', (text, value) => {
    expect(parse(text)).toEqual({ ok: true, value });
  });

  it.each(['24:00', '8:60', '8:5', 'tám giờ', '830', '', '8:30 chiều mai'])('asks again for %j', (text) => {
    expect(parse(text)).toEqual({ ok: false, error: 'broadcast.bad_time' });
  });
});
