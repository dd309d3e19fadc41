import { describe, expect, it } from 'vitest';
import { createManualClock, isManualClock, createSystemClock } from './clock.js';

describe('manual clock', () => {
  it('moves forward only', () => {
    const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
    clock.advanceTo(new Date('2026-01-03T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-01-03T00:00:00.000Z');
    expect(() => clock.advanceTo(new Date('2026-01-02T00:00:00Z'))).toThrow(/before the clock/);
    expect(isManualClock(clock)).toBe(true);
    expect(isManualClock(createSystemClock())).toBe(false);
  });
});
