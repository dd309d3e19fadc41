import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rewardIdOf } from './reward-id.js';

describe('rewardIdOf', () => {
  it('is sha256(ruleId NUL eventId NUL index), 32 hex digits, stable across calls', () => {
    const expected = createHash('sha256').update('welcome\u0000evt-1\u00000').digest('hex').slice(0, 32);
    expect(rewardIdOf('welcome', 'evt-1', 0)).toBe(expected);
    expect(rewardIdOf('welcome', 'evt-1', 0)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs when any part differs, including ambiguous concatenations', () => {
    const ids = new Set([rewardIdOf('a', 'b', 0), rewardIdOf('a', 'b', 1), rewardIdOf('a', 'c', 0), rewardIdOf('ab', '', 0), rewardIdOf('a:b', '0', 0)]);
    expect(ids.size).toBe(5);
  });
});
