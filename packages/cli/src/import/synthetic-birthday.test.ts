import { describe, expect, it } from 'vitest';
import { syntheticBirthday } from './synthetic-birthday.js';

describe('syntheticBirthday', () => {
  it('is deterministic per customer and differs between customers', () => {
    expect(syntheticBirthday('17850')).toBe(syntheticBirthday('17850'));
    const dates = new Set(Array.from({ length: 1000 }, (_, i) => syntheticBirthday(String(12000 + i))));
    expect(dates.size).toBeGreaterThan(900);
  });

  it('gives real dates between 1945 and 1995', () => {
    for (let i = 0; i < 5000; i++) {
      const d = syntheticBirthday(`c${i}`);
      expect(d).toMatch(/^(19[4-9]\d)-\d{2}-\d{2}$/);
      const year = Number(d.slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1945);
      expect(year).toBeLessThanOrEqual(1995);
      expect(new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10)).toBe(d);
    }
  });
});
