import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, coupon, points, type TestDb } from '../test/support.js';
import { createRewardApplier, type RewardMessage } from './reward-applier.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `pnpm incentive ...` the way an operator does (same entry point, own process). */
function incentive(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'packages/cli/src/main.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('CLI: wallet and ledger verify', () => {
  let db: TestDb;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await openTestDb();
    env = { MONGO_URL: process.env.MONGO_URL!, MONGO_DB: db.dbName };
    let o = 0;
    const m = (r: RewardMessage['reward']): RewardMessage => ({ reward: r, source: { topic: 'rewards', partition: 0, offset: String(o++) } });
    await createRewardApplier({ models: db.models, clock: { now: () => new Date() } }).apply([
      m(points('cli-1', 120, { rewardId: 'cli-a', orderId: 'o-1', orderAmount: 60 })),
      m(points('cli-1', 30, { rewardId: 'cli-b' })),
      m(coupon('cli-1', { rewardId: 'cli-c', codePrefix: 'VIP', minSpend: 25 })),
      m(points('cli-2', 5, { rewardId: 'cli-d' })),
    ]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('wallet shows balance, coupons and last entries', async () => {
    const res = await incentive(['wallet', 'cli-1'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/points\s+150/);
    // Issued 2026-03-01 for 30 days: the view shows it expired as of now.
    expect(res.stdout).toMatch(/VIP-\w{4}-\w{4}-\w{4}-\w{4}\s+expired\s+10% off, min spend 25/);
    expect(res.stdout).toMatch(/#2\s+earn\s+\+30\s+=\s+150/);
    expect((await incentive(['wallet', 'nobody'], env)).code).toBe(1);
  });

  it('ledger verify passes, then fails naming an entry edited in the database', async () => {
    const ok = await incentive(['ledger', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('3 entries of 2 customers');
    await db.models.PointsEntry.collection.updateOne({ entryId: 'cli-a:earn' }, { $set: { points: 1200, balanceAfter: 1200 } });
    const broken = await incentive(['ledger', 'verify', 'cli-1'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN customer cli-1 entry cli-a:earn \(seq 1\)/);
    // The other customer's chain is untouched.
    expect((await incentive(['ledger', 'verify', 'cli-2'], env)).code).toBe(0);
  });
});
