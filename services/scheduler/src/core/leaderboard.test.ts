import { describe, expect, it } from 'vitest';
import { leaderboardClosedEvent, leaderboardTopNOf, rankLeaderboard } from './leaderboard.js';

describe('rankLeaderboard', () => {
  it('ranks by spend descending, ties by customer id, only positive spend, at most N', () => {
    const ranked = rankLeaderboard(
      [
        { customerId: 'z', minor: 500 },
        { customerId: 'b', minor: 900 },
        { customerId: 'a', minor: 500 },
        { customerId: 'neg', minor: -100 },
        { customerId: 'zero', minor: 0 },
        { customerId: 'y', minor: 100 },
      ],
      3,
    );
    expect(ranked).toEqual([
      { customerId: 'b', minor: 900, rank: 1 },
      { customerId: 'a', minor: 500, rank: 2 },
      { customerId: 'z', minor: 500, rank: 3 },
    ]);
    expect(rankLeaderboard([{ customerId: 'x', minor: 0 }], 10)).toEqual([]);
  });

  it('builds a leaderboard.closed event with a per-(month, rank) id and spend in major units', () => {
    expect(leaderboardClosedEvent('2026-02', { customerId: 'c9', minor: 12345, rank: 2 }, '2026-03-01T00:00:00+00:00')).toEqual({
      id: 'clock:leaderboard:2026-02:2',
      type: 'leaderboard.closed',
      customerId: 'c9',
      occurredAt: '2026-03-01T00:00:00+00:00',
      source: 'scheduler',
      data: { month: '2026-02', rank: 2, spend: 123.45 },
    });
  });

  it("takes the top N from schedule.json's leaderboardSize (as simulate does), LEADERBOARD_TOP_N only when absent", () => {
    expect(leaderboardTopNOf({ leaderboardSize: 3 }, 10)).toBe(3);
    expect(leaderboardTopNOf({ leaderboardSize: 0 }, 10)).toBe(0);
    expect(leaderboardTopNOf({}, 25)).toBe(25);
  });
});
