import { parseReward } from '@incentive/events';
import type { IncentiveEvent } from '@incentive/events';
import { describe, expect, it } from 'vitest';
import { event, purchase, rule, rulesetOf, withUnlintedConditions } from '../../test/support.js';
import { createEvaluator } from '../evaluate/create-evaluator.js';
import type { LimitRequest, LimitStore } from '../limits/limit-store.js';
import { createMemoryLimitStore } from '../limits/limit-store.js';
import { rewardIdOf } from '../rewards/reward-id.js';
import { createPipeline } from './create-pipeline.js';
import { createMemorySession } from './memory-session.js';

function setup(rules: unknown[], engine: 'compiled' | 'reference' = 'compiled') {
  const ruleset = rulesetOf(rules);
  const memory = createMemoryLimitStore();
  const calls: LimitRequest[][] = [];
  const limits: LimitStore = {
    reserve(requests) {
      calls.push([...requests]);
      return memory.reserve(requests);
    },
  };
  const pipeline = createPipeline({ ruleset, evaluator: createEvaluator(ruleset, { engine }), limits });
  return { ruleset, pipeline, calls, memory };
}

async function rewardsOf(rules: unknown[], events: IncentiveEvent[]) {
  const { pipeline } = setup(rules);
  const session = createMemorySession(pipeline);
  const out = [];
  for (const e of events) out.push(...(await session.process(e)).rewards);
  return out;
}

const badge = (b: string) => ({ kind: 'badge', badge: b });

describe('groups', () => {
  it('at most one rule of a group rewards: the highest priority whose conditions hold', async () => {
    const rules = [
      rule({ id: 'low', group: 'g', priority: 1, reward: badge('low') }),
      rule({ id: 'high', group: 'g', priority: 9, reward: badge('high') }),
      rule({ id: 'never', group: 'g', priority: 99, reward: badge('never'), conditions: { all: [{ fact: 'event', path: '$.data.amount', operator: 'greaterThan', value: 1e6 }] } }),
    ];
    expect((await rewardsOf(rules, [purchase(10)])).map((r) => r.ruleId)).toEqual(['high']);
  });

  it('ties on priority go to the smaller id', async () => {
    const rules = [rule({ id: 'b', group: 'g', priority: 5, reward: badge('b') }), rule({ id: 'a', group: 'g', priority: 5, reward: badge('a') })];
    expect((await rewardsOf(rules, [purchase(10)])).map((r) => r.ruleId)).toEqual(['a']);
  });

  it('a rule refused by its limits gives way to the next in its group', async () => {
    const rules = [
      rule({ id: 'high', group: 'g', priority: 9, reward: badge('high'), limits: { perCustomer: { count: 1 } } }),
      rule({ id: 'mid', group: 'g', priority: 5, reward: badge('mid'), limits: { perCustomer: { count: 1 } } }),
      rule({ id: 'low', group: 'g', priority: 1, reward: badge('low') }),
    ];
    const out = await rewardsOf(rules, [purchase(10, '2026-03-02T10:00:00Z'), purchase(10, '2026-03-03T10:00:00Z'), purchase(10, '2026-03-04T10:00:00Z')]);
    expect(out.map((r) => r.ruleId)).toEqual(['high', 'mid', 'low']);
  });

  it('ungrouped rules each reward independently; separate groups independently', async () => {
    const rules = [
      rule({ id: 'u1', reward: badge('1') }),
      rule({ id: 'u2', reward: badge('2') }),
      rule({ id: 'g1', group: 'x', reward: badge('3') }),
      rule({ id: 'g2', group: 'y', reward: badge('4') }),
    ];
    expect((await rewardsOf(rules, [purchase(10)])).map((r) => r.ruleId)).toEqual(['u1', 'u2', 'g1', 'g2']);
  });

  it('explain tells rewarded, limit-blocked, group-taken and failed conditions apart', async () => {
    const { pipeline } = setup([
      rule({ id: 'capped', group: 'g', priority: 9, reward: badge('a'), limits: { total: { count: 1 } } }),
      rule({ id: 'next', group: 'g', priority: 5, reward: badge('b') }),
      rule({ id: 'last', group: 'g', priority: 1, reward: badge('c') }),
      rule({ id: 'no', reward: badge('d'), conditions: { all: [{ fact: 'customer', path: '$.orders', operator: 'greaterThan', value: 5 }] } }),
    ]);
    await pipeline.process(undefined, purchase(10, '2026-03-02T10:00:00Z', 'other'));
    const r = await pipeline.process(undefined, purchase(10), { explain: true });
    expect(r.rewards.map((x) => x.ruleId)).toEqual(['next']);
    expect(r.explain?.rules.map((x) => [x.ruleId, x.outcome, x.selection])).toEqual([
      ['no', 'conditions-failed', undefined],
      ['capped', 'matched', 'limit-blocked'],
      ['next', 'matched', 'rewarded'],
      ['last', 'matched', 'group-taken'],
    ]);
  });

  it('explain still tells nothing-to-issue from group-taken below a group winner chosen through limits', async () => {
    // Rewards below a group's winner are not built on the limits path; explain builds them to say why.
    const rules = [
      rule({ id: 'top', group: 'g', priority: 9, reward: badge('a'), limits: { total: { count: 5 } } }),
      rule({ id: 'empty', group: 'g', priority: 5, reward: { kind: 'points', perUnit: 1 } }),
      rule({ id: 'fine', group: 'g', priority: 1, reward: badge('c') }),
    ];
    const memory = createMemoryLimitStore();
    const awaited: LimitStore = { reserve: (requests) => memory.reserve(requests) };
    for (const limits of [createMemoryLimitStore(), awaited]) {
      const ruleset = rulesetOf(rules);
      const pipeline = createPipeline({ ruleset, evaluator: createEvaluator(ruleset), limits });
      const r = await pipeline.process(undefined, purchase(0.5), { explain: true });
      expect(r.rewards.map((x) => x.ruleId)).toEqual(['top']);
      expect(r.explain?.rules.map((x) => [x.ruleId, x.selection])).toEqual([
        ['top', 'rewarded'],
        ['empty', 'nothing-to-issue'],
        ['fine', 'group-taken'],
      ]);
    }
  });
});

describe('limits', () => {
  it('perCustomer counts per customer, total across customers', async () => {
    const rules = [rule({ id: 'r', reward: badge('b'), limits: { perCustomer: { count: 2, window: 'lifetime' }, total: { count: 3, window: 'lifetime' } } })];
    const out = await rewardsOf(rules, [
      purchase(1, '2026-03-02T10:00:00Z', 'a'),
      purchase(1, '2026-03-02T11:00:00Z', 'a'),
      purchase(1, '2026-03-02T12:00:00Z', 'a'),
      purchase(1, '2026-03-02T13:00:00Z', 'b'),
      purchase(1, '2026-03-02T14:00:00Z', 'c'),
    ]);
    expect(out.map((r) => r.customerId)).toEqual(['a', 'a', 'b']);
  });

  it.each([
    ['P7D', ['2026-03-01T00:00:00Z', '2026-03-07T23:59:59Z', '2026-03-08T00:00:00Z'], [true, false, true]],
    ['P1M', ['2026-01-31T00:00:00Z', '2026-02-28T00:00:00Z', '2026-03-01T00:00:00Z'], [true, false, true]],
    ['P1Y', ['2026-05-03T00:00:00Z', '2027-05-02T23:00:00Z', '2027-05-03T00:00:00Z'], [true, false, true]],
    ['lifetime', ['2026-05-03T00:00:00Z', '2036-05-03T00:00:00Z'], [true, false]],
  ])('window %s slides with event time', async (window, times, expected) => {
    const rules = [rule({ id: 'r', reward: badge('b'), limits: { perCustomer: { count: 1, window } } })];
    const out = await rewardsOf(rules, times.map((t) => purchase(1, t)));
    expect(times.map((t) => out.some((r) => r.issuedAt === t))).toEqual(expected);
  });

  it('a points budget caps the points a rule issues per window', async () => {
    const rules = [rule({ id: 'r', reward: { kind: 'points', perUnit: 1 }, limits: { budget: { points: 250, window: 'P1M' } } })];
    const out = await rewardsOf(rules, [purchase(100, '2026-03-02T10:00:00Z'), purchase(200, '2026-03-03T10:00:00Z'), purchase(150, '2026-03-04T10:00:00Z'), purchase(200, '2026-04-05T10:00:00Z')]);
    expect(out.map((r) => (r.kind === 'points' ? r.points : 0))).toEqual([100, 150, 200]);
  });

  it('a replay of the same event yields the same rewards and consumes nothing more', async () => {
    const { pipeline, memory } = setup([rule({ id: 'r', reward: badge('b'), limits: { perCustomer: { count: 1, window: 'P30D' } } })]);
    const e = purchase(10);
    const first = await pipeline.process(undefined, e);
    const again = await pipeline.process(undefined, e);
    expect(again.rewards).toEqual(first.rewards);
    expect(first.rewards).toHaveLength(1);
    expect(memory.used('{c:c1}:limit:r:P30D')).toBe(1);
    const other = await pipeline.process(first.state, purchase(10, '2026-03-03T10:00:00Z'));
    expect(other.rewards).toEqual([]);
  });

  it('calls the limit store only for candidates with limits, in one call per round', async () => {
    const none = setup([rule({ id: 'a', reward: badge('a') }), rule({ id: 'b', reward: badge('b') })]);
    await none.pipeline.process(undefined, purchase(10));
    expect(none.calls).toHaveLength(0);

    const some = setup([
      rule({ id: 'a', reward: badge('a'), limits: { perCustomer: { count: 1 } } }),
      rule({ id: 'b', reward: badge('b'), limits: { total: { count: 1 } } }),
      rule({ id: 'g1', group: 'g', priority: 2, reward: badge('g1'), limits: { total: { count: 1 } } }),
      rule({ id: 'g2', group: 'g', priority: 1, reward: badge('g2'), limits: { total: { count: 1 } } }),
    ]);
    await some.pipeline.process(undefined, purchase(10));
    expect(some.calls.map((c) => c.length)).toEqual([3]);
    await some.pipeline.process(undefined, purchase(10, '2026-03-03T10:00:00Z', 'c2'));
    // b and g1 hit their totals -> a second round asks for g2 only.
    expect(some.calls.slice(1).map((c) => c.length)).toEqual([3, 1]);
  });
});

describe('rewards', () => {
  const ruleset = rulesetOf([]);
  it('points: fixed, or floor(amount x perUnit x multiplier) with the order', async () => {
    const out = await rewardsOf(
      [
        rule({ id: 'fixed', reward: { kind: 'points', points: 42 } }),
        rule({ id: 'rate', reward: { kind: 'points', perUnit: 1.5, multiplier: 1.25 } }),
        rule({ id: 'pennies', reward: { kind: 'points', perUnit: 1 } }),
      ],
      [purchase(0.29, '2026-03-02T10:00:00Z', 'c1', 'o-1')],
    );
    expect(out.map((r) => r.kind === 'points' && [r.ruleId, r.points, r.orderId, r.orderAmount, r.expiresAt])).toEqual([
      ['fixed', 42, 'o-1', 0.29, '2027-03-02T10:00:00.000Z'],
    ]);
    const big = await rewardsOf([rule({ id: 'rate', reward: { kind: 'points', perUnit: 1.5, multiplier: 1.25 } })], [purchase(100.29)]);
    expect(big[0]).toMatchObject({ kind: 'points', points: 188 }); // 100.29 * 1.875 = 188.04
  });

  it('coupon: percent or amount, expiresAt = issuedAt + validDays', async () => {
    const out = await rewardsOf(
      [rule({ id: 'c', on: ['signup'], reward: [{ kind: 'coupon', percentOff: 15, validDays: 10, codePrefix: 'HI' }, { kind: 'coupon', amountOff: 5, currency: 'GBP', minSpend: 20, validDays: 1 }] })],
      [event('signup', {}, '2026-03-02T10:00:00+01:00')],
    );
    expect(out).toMatchObject([
      { kind: 'coupon', percentOff: 15, validDays: 10, codePrefix: 'HI', issuedAt: '2026-03-02T10:00:00+01:00', expiresAt: '2026-03-12T09:00:00.000Z' },
      { kind: 'coupon', amountOff: 5, currency: 'GBP', minSpend: 20, validDays: 1, expiresAt: '2026-03-03T09:00:00.000Z' },
    ]);
    expect(out[0]).not.toHaveProperty('amountOff');
  });

  it('gift, badge and clawback (with the refunded order, amount and currency)', async () => {
    const out = await rewardsOf(
      [
        rule({ id: 'g', on: ['refund'], reward: [{ kind: 'gift', sku: 'S1', name: 'Mug' }, { kind: 'badge', badge: 'sorry' }, { kind: 'clawback', message: 'refund of £{{event.data.amount}} on {{reward.orderId}}' }] }),
      ],
      [event('refund', { orderId: 'o7', amount: 12.5, currency: 'EUR' })],
    );
    expect(out).toMatchObject([
      { kind: 'gift', sku: 'S1', name: 'Mug' },
      { kind: 'badge', badge: 'sorry' },
      { kind: 'clawback', orderId: 'o7', amount: 12.5, currency: 'EUR', message: 'refund of £12.50 on o7' },
    ]);
  });

  it('common fields: deterministic rewardId per (rule, event, index), ruleset version, event time; valid per the reward schema', async () => {
    const e = purchase(10, '2026-03-02T10:00:00Z', 'c9', 'o9');
    const out = await rewardsOf([rule({ id: 'two', reward: [badge('x'), { kind: 'points', points: 3, message: 'hi {{customer.tier}}' }] })], [e]);
    expect(out.map((r) => r.rewardId)).toEqual([rewardIdOf('two', e.id, 0), rewardIdOf('two', e.id, 1)]);
    expect(new Set(out.map((r) => r.rewardId)).size).toBe(2);
    for (const r of out) {
      expect(r).toMatchObject({ ruleId: 'two', customerId: 'c9', sourceEventId: e.id, issuedAt: e.occurredAt, rulesetVersion: rulesetOf([rule({ id: 'two', reward: [badge('x'), { kind: 'points', points: 3, message: 'hi {{customer.tier}}' }] })]).version });
      expect(parseReward(r)).toMatchObject({ ok: true });
    }
    expect(out[1]?.message).toBe('hi bronze');
    expect(ruleset.version).not.toBe(out[0]?.rulesetVersion);
  });
});

describe('pipeline facts', () => {
  it('rules see the facts after the event, and derived referral.credited events are returned', async () => {
    const { pipeline } = setup([rule({ id: 'second', reward: badge('b'), conditions: { all: [{ fact: 'customer', path: '$.orders', operator: 'equal', value: 2 }] } })]);
    const a = await pipeline.process(undefined, purchase(10));
    expect(a.rewards).toEqual([]);
    const b = await pipeline.process(a.state, purchase(10, '2026-03-05T10:00:00Z'));
    expect(b.rewards.map((r) => r.ruleId)).toEqual(['second']);
    expect(b.facts.orders).toBe(2);

    const ref = await pipeline.process(undefined, event('referral', { referrerId: 'r1' }, '2026-03-05T10:00:00Z', 'new1'), { referrerKnown: true });
    expect(ref.derived).toMatchObject([{ type: 'referral.credited', customerId: 'r1', data: { refereeId: 'new1' } }]);
  });

  it('factsOverlay changes what rules see, not the stored state', async () => {
    const { pipeline } = setup([rule({ id: 'gold', reward: badge('g'), conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'equal', value: 'gold' }] } })]);
    const r = await pipeline.process(undefined, purchase(10), { factsOverlay: { tier: 'gold' } });
    expect(r.rewards.map((x) => x.ruleId)).toEqual(['gold']);
    expect(r.state.tier).toBe('bronze');
  });

  it('the reference engine gives the same rewards as the compiled one', async () => {
    const rules = [
      rule({ id: 'a', group: 'g', priority: 2, reward: badge('a'), conditions: { all: [{ fact: 'event', path: '$.data.amount', operator: 'greaterThan', value: 50 }] } }),
      rule({ id: 'b', group: 'g', priority: 1, reward: badge('b') }),
      rule({ id: 'c', reward: { kind: 'points', perUnit: 2 }, limits: { perCustomer: { count: 2, window: 'P7D' } } }),
    ];
    const events = [purchase(60, '2026-03-02T10:00:00Z'), purchase(20, '2026-03-03T10:00:00Z'), purchase(80, '2026-03-04T10:00:00Z')];
    const run = async (engine: 'compiled' | 'reference') => {
      const session = createMemorySession(setup(rules, engine).pipeline);
      const out = [];
      for (const e of events) out.push(...(await session.process(e)).rewards);
      return out;
    };
    const compiled = await run('compiled');
    expect(compiled.map((r) => r.ruleId)).toEqual(['c', 'a', 'c', 'b', 'a']);
    expect(await run('reference')).toEqual(compiled);
  });
});

describe('evaluation errors', () => {
  it('a condition that cannot run on this input rejects the whole event, as json-rules-engine does, and is reported', async () => {
    // `in` against a fact reference that resolves to a number: lint refuses it; if such a rule gets
    // in anyway, json-rules-engine rejects the run, and the compiled engine mirrors that.
    const odd = { all: [{ fact: 'customer', path: '$.tier', operator: 'in', value: { fact: 'customer', path: '$.orders' } }] };
    const ruleset = withUnlintedConditions(rulesetOf([rule({ id: 'odd', reward: badge('x') }), rule({ id: 'fine', reward: badge('y') })]), { odd });
    for (const engine of ['compiled', 'reference'] as const) {
      const pipeline = createPipeline({ ruleset, evaluator: createEvaluator(ruleset, { engine }), limits: createMemoryLimitStore() });
      const r = await pipeline.process(undefined, purchase(10));
      expect(r.rewards).toEqual([]);
      expect(r.evaluationErrors).toEqual([{ ruleId: engine === 'compiled' ? 'odd' : '*', message: expect.any(String) }]);
      expect(r.state.orders).toBe(1); // the facts are still applied
    }
  });
});

describe('createMemorySession', () => {
  it('keeps states; keeps the last facts per customer only when asked to', async () => {
    const plain = createMemorySession(setup([rule({ id: 'a' })]).pipeline);
    await plain.process(purchase(10));
    expect(plain.state('c1')?.orders).toBe(1);
    expect(() => plain.facts('c1')).toThrow(/keepFacts/);
    const keeping = createMemorySession(setup([rule({ id: 'a' })]).pipeline, { keepFacts: true });
    await keeping.process(purchase(10));
    await keeping.process(purchase(5));
    expect(keeping.facts('c1')).toMatchObject({ orders: 2, totalSpend: 15 });
    expect(keeping.facts('nobody')).toBeUndefined();
  });

  it('runs synchronously with an in-memory limit store, with the same results as through a store that must be awaited', async () => {
    const rules = [
      rule({ id: 'capped', group: 'g', priority: 9, reward: badge('a'), limits: { perCustomer: { count: 1, window: 'P30D' } } }),
      rule({ id: 'base', group: 'g', priority: 1, reward: { kind: 'points', perUnit: 1 } }),
      rule({ id: 'thanks', on: ['referral.credited'], reward: { kind: 'points', points: 5 }, limits: { total: { count: 1 } } }),
    ];
    const events = [
      purchase(10, '2026-03-02T10:00:00Z', 'r1'),
      purchase(20, '2026-03-03T10:00:00Z', 'r1'),
      event('referral', { referrerId: 'r1' }, '2026-03-04T10:00:00Z', 'new1'),
      event('referral', { referrerId: 'r1' }, '2026-03-05T10:00:00Z', 'new2'),
    ];
    const ruleset = rulesetOf(rules);
    const sync = createMemorySession(createPipeline({ ruleset, evaluator: createEvaluator(ruleset), limits: createMemoryLimitStore() }));
    const awaited = createMemorySession(setup(rules).pipeline);
    const issued: string[] = [];
    for (const e of events) {
      const now = sync.process(e);
      expect(now).not.toBeInstanceOf(Promise);
      const later = awaited.process(e);
      expect(later).toBeInstanceOf(Promise);
      expect(await now).toEqual(await later);
      for (const r of (await now).rewards) issued.push(r.ruleId);
    }
    // A group winner refused by its limit the second time, and a derived event's limit.
    expect(issued).toEqual(['capped', 'base', 'thanks']);
    expect(sync.state('r1')).toEqual(awaited.state('r1'));
    expect(sync.state('r1')?.referrals).toBe(2);
  });

  it('process still returns a promise that rejects on a bad event; run and the session throw', async () => {
    const ruleset = rulesetOf([rule({ id: 'a' })]);
    const pipeline = createPipeline({ ruleset, evaluator: createEvaluator(ruleset), limits: createMemoryLimitStore() });
    const bad = purchase(10, 'not a time');
    const p = pipeline.process(undefined, bad);
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toThrow(/occurredAt/);
    expect(() => pipeline.run(undefined, bad)).toThrow(/occurredAt/);
    expect(() => createMemorySession(pipeline).process(bad)).toThrow(/occurredAt/);
  });
});
