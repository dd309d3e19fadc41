import { expect } from 'vitest';
import type { Reward } from '@incentive/events';
import { canonical, readLedger } from './actual-ledger.js';
import { expectedLedger } from './expected-ledger.js';
import type { Pipeline } from './pipeline.js';
import type { RewardCollector } from './reward-collector.js';
import { perCustomer } from './scenario.js';

/** The reward stream equals `expected` (simulate's output): same rewards, same order per customer. */
export function expectRewardStream(collector: RewardCollector, expected: readonly Reward[]): void {
  expect(collector.invalid()).toBe(0);
  expect(collector.rewards.size).toBe(expected.length);
  const got = perCustomer(collector.rewards.values());
  const want = perCustomer(expected);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [customerId, list] of want) expect(got.get(customerId), `rewards of customer ${customerId}`).toEqual(list);
}

/**
 * MongoDB holds exactly the documents `expected` implies: reward records, coupons (valid codes with
 * the rule's prefix), gift orders, the points chain entry by entry (and it verifies), wallets.
 */
export async function expectLedger(pipeline: Pipeline, expected: readonly Reward[]): Promise<void> {
  const prefixes = new Map(expected.map((r) => [r.rewardId, r.kind === 'coupon' ? r.codePrefix : undefined]));
  const actual = await readLedger(pipeline.mongo, prefixes);
  const wanted = canonical(expectedLedger(expected));
  const have = canonical(actual);
  expect(have.rewards.length).toBe(expected.length);
  expect(have.rewards).toEqual(wanted.rewards);
  expect(have.coupons).toEqual(wanted.coupons);
  expect(actual.badCodes).toEqual([]);
  expect(have.gifts).toEqual(wanted.gifts);
  expect(have.entries).toEqual(wanted.entries);
  expect(have.wallets).toEqual(wanted.wallets);
  expect(actual.verification).toMatchObject({ ok: true, entries: wanted.entries.length });
  // The Online Retail data carries no coupon codes, so nothing is redeemed.
  expect(actual.redemptions).toBe(0);
}

/** Counters for `waitQuiescent`: rewards seen on the topic and recorded in MongoDB. */
export function rewardCounters(pipeline: Pipeline, collector: RewardCollector): Record<string, () => Promise<number>> {
  return {
    rewardsOnTopic: async () => collector.rewards.size,
    rewardsInMongo: () => pipeline.mongo.collection('rewards').countDocuments(),
  };
}
