import { describe, expect, it } from 'vitest';
import { MAX_EVENT_ID_LENGTH, boundedEventId } from './event-id.js';

describe('boundedEventId', () => {
  it('keeps ids within the limit unchanged', () => {
    expect(boundedEventId('clock:birthday:c1:2026')).toBe('clock:birthday:c1:2026');
  });

  it('hashes long ids to exactly the limit, deterministically and distinctly', () => {
    const long = `clock:inactivity:${'c'.repeat(128)}:90:2026-01-01T00:00:00.000Z`;
    const other = `clock:inactivity:${'c'.repeat(128)}:60:2026-01-01T00:00:00.000Z`;
    const id = boundedEventId(long);
    expect(id).toHaveLength(MAX_EVENT_ID_LENGTH);
    expect(id.startsWith('clock:inactivity:ccc')).toBe(true);
    expect(boundedEventId(long)).toBe(id);
    expect(boundedEventId(other)).not.toBe(id);
  });
});
