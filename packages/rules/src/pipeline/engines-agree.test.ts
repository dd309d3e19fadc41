import type { IncentiveEvent, Reward } from '@incentive/events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../evaluate/create-evaluator.js';
import { createMemoryLimitStore } from '../limits/limit-store.js';
import { loadRuleset } from '../load/load-ruleset.js';
import { createPipeline } from './create-pipeline.js';
import { createMemorySession } from './memory-session.js';

const CATALOGUE = fileURLToPath(new URL('../../../../rules', import.meta.url));

/** A deterministic mixed stream over a year: purchases, refunds, signups, referrals, clock events. */
function stream(n: number): IncentiveEvent[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const last = new Map<string, string>();
  const out: IncentiveEvent[] = [];
  for (let i = 0; i < n; i++) {
    const customerId = `c${Math.floor(200 * rand() ** 2)}`;
    const occurredAt = new Date(t0 + i * ((365 * 86_400_000) / n)).toISOString();
    const r = rand();
    const id = `e${i}`;
    if (r < 0.7) {
      out.push({ id, type: 'purchase', customerId, occurredAt, data: { orderId: `o${i}`, amount: Math.round(rand() ** 3 * 800_000) / 100, currency: 'GBP' } });
      last.set(customerId, occurredAt);
    } else if (r < 0.75) out.push({ id, type: 'refund', customerId, occurredAt, data: { orderId: `o${i - 1}`, amount: 25, currency: 'GBP' } });
    else if (r < 0.82) out.push({ id, type: 'signup', customerId: `n${i}`, occurredAt, data: {} });
    else if (r < 0.88) out.push({ id, type: 'referral', customerId: `n${i}`, occurredAt, data: { referrerId: customerId } });
    else if (r < 0.93) out.push({ id, type: 'birthday', customerId, occurredAt, data: { monthDay: occurredAt.slice(5, 10), year: 2026 } });
    else {
      const lp = last.get(customerId);
      const days = [30, 60, 90][Math.floor(rand() * 3)] as number;
      if (lp) out.push({ id, type: 'inactivity', customerId, occurredAt, data: { days, lastPurchaseAt: lp } });
    }
  }
  return out;
}

describe('compiled and reference engines through the whole pipeline', () => {
  it('produce the same reward stream over 3,000 mixed events with the shipped catalogue', async () => {
    const loaded = await loadRuleset(CATALOGUE);
    if (!loaded.ok) throw new Error('catalogue does not lint');
    const ruleset = loaded.ruleset;
    const events = stream(3000);
    const run = async (engine: 'compiled' | 'reference'): Promise<Reward[]> => {
      const session = createMemorySession(createPipeline({ ruleset, evaluator: createEvaluator(ruleset, { engine }), limits: createMemoryLimitStore() }));
      const out: Reward[] = [];
      for (const e of events) out.push(...(await session.process(e)).rewards);
      return out;
    };
    const compiled = await run('compiled');
    const byRule = new Set(compiled.map((r) => r.ruleId));
    // The stream exercises most of the catalogue, so agreement means something.
    expect(byRule.size).toBeGreaterThanOrEqual(15);
    expect(compiled.length).toBeGreaterThan(2000);
    expect(await run('reference')).toEqual(compiled);
  }, 60_000);
});
