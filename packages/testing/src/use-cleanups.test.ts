import { describe, expect, it } from 'vitest';
import { useCleanups } from './use-cleanups.js';

const cleanups = useCleanups();
const ran: string[] = [];

describe('useCleanups', () => {
  it('registers undo steps during a test', () => {
    cleanups.push(() => void ran.push('first'));
    cleanups.push(async () => {
      await Promise.resolve();
      ran.push('second');
    });
    expect(ran).toEqual([]);
  });

  it('ran them after that test, in reverse order, and emptied the list', () => {
    expect(ran).toEqual(['second', 'first']);
    expect(cleanups).toHaveLength(0);
  });
});
