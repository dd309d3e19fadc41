import { describe, expect, it } from 'vitest';
import { groupLag, waitForQuiescence, type LagAdmin } from './quiescence.js';

/** An admin whose offsets the test moves: `high` per partition and the group's committed offsets. */
function fakeAdmin(state: { high: number[]; committed: Record<string, number[]> }): LagAdmin {
  return {
    fetchTopicOffsets: async () => state.high.map((h, partition) => ({ partition, high: String(h), low: '0', offset: String(h) })),
    fetchOffsets: async ({ groupId }: { groupId: string }) => [
      { topic: 't', partitions: (state.committed[groupId] ?? state.high.map(() => -1)).map((o, partition) => ({ partition, offset: String(o), metadata: null })) },
    ],
  } as unknown as LagAdmin;
}

describe('groupLag', () => {
  it('sums uncommitted messages; a partition never committed counts from the low watermark', async () => {
    await expect(groupLag(fakeAdmin({ high: [5, 3], committed: { g: [5, 1] } }), { groupId: 'g', topic: 't' })).resolves.toBe(2);
    await expect(groupLag(fakeAdmin({ high: [5, 3], committed: {} }), { groupId: 'g', topic: 't' })).resolves.toBe(8);
  });
});

describe('waitForQuiescence', () => {
  it('returns only once every stage has lag 0 and the counters held still for the required polls', async () => {
    const state = { high: [4], committed: { a: [0], b: [0] } as Record<string, number[]> };
    let rewards = 0;
    let polls = 0;
    const result = await waitForQuiescence({
      admin: fakeAdmin(state),
      stages: [{ groupId: 'a', topic: 't' }, { groupId: 'b', topic: 't' }],
      counters: { rewards: async () => rewards },
      intervalMs: 1,
      onPoll: () => {
        polls++;
        // The first stage catches up, then the second, then the counter moves once more.
        if (polls === 2) state.committed.a = [4];
        if (polls === 4) state.committed.b = [4];
        if (polls === 5) rewards = 7;
      },
    });
    expect(result.counters).toEqual({ rewards: 7 });
    expect(polls).toBeGreaterThanOrEqual(7);
  });

  it('fails fast when a service died, and times out with the lags it saw', async () => {
    const admin = fakeAdmin({ high: [1], committed: { a: [0] } });
    await expect(waitForQuiescence({ admin, stages: [{ groupId: 'a', topic: 't' }], failed: () => 'fulfillment exited (1)' })).rejects.toThrow(/fulfillment exited/);
    await expect(waitForQuiescence({ admin, stages: [{ groupId: 'a', topic: 't' }], timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(/"a@t":1/);
  });
});
