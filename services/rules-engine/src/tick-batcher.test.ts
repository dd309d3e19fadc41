import { describe, expect, it } from 'vitest';
import { createTickBatcher } from './tick-batcher.js';

describe('tick batcher', () => {
  it('runs the calls of one turn together, in call order, and later calls in a run of their own', async () => {
    const runs: number[][] = [];
    const double = createTickBatcher(async (xs: number[]) => {
      runs.push(xs);
      return xs.map((x) => x * 2);
    });
    // Calls from chained microtasks of one turn land in the same run.
    const first = await Promise.all([double(1), Promise.resolve().then(() => double(2)), double(3)]);
    expect(first).toEqual([2, 4, 6]);
    expect(await double(4)).toBe(8);
    expect(runs).toEqual([[1, 3, 2], [4]]);
  });

  it('a failed run rejects every call of it, and the next turn runs afresh', async () => {
    let fail = true;
    const batcher = createTickBatcher(async (xs: string[]) => {
      if (fail) throw new Error(`down (${xs.length} calls)`);
      return xs;
    });
    const results = await Promise.allSettled([batcher('a'), batcher('b')]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value))).toEqual(['down (2 calls)', 'down (2 calls)']);
    fail = false;
    expect(await batcher('c')).toBe('c');
    // A run that throws before returning a promise rejects its calls too.
    const sync = createTickBatcher((): Promise<number[]> => {
      throw new Error('thrown synchronously');
    });
    await expect(sync(1)).rejects.toThrow('thrown synchronously');
  });
});
