import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/fold.js';

describe('fold', () => {
  it('drops tone and vowel marks and turns đ into d', () => {
    expect(fold('Đẩy mạnh XÂY DỰNG xã hội học tập')).toBe('day manh xay dung xa hoi hoc tap');
  });

  it('makes both tone placements and decomposed input equal', () => {
    expect(fold('hoà')).toBe(fold('hòa'));
    expect(fold('thuý')).toBe(fold('thúy'));
    expect(fold('Hòa'.normalize('NFD'))).toBe(fold('hòa'));
  });
});
