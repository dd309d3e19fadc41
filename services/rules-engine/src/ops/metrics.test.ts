import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('per-rule tallies', () => {
  it('fold into the counters at scrape time, per label set, including reused rule lists', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const purchaseRules = ['base-points', 'welcome'];
    m.tally.evaluations.addEach(purchaseRules);
    m.tally.evaluations.addEach(purchaseRules);
    m.tally.evaluations.addEach(['welcome']);
    m.tally.rewards.add('base-points', 'points');
    m.tally.rewards.add('base-points', 'points');
    m.tally.rewards.add('welcome', 'coupon');
    const text = await m.registry.metrics();
    expect(text).toContain('rules_engine_rule_evaluations_total{rule="base-points"} 2');
    expect(text).toContain('rules_engine_rule_evaluations_total{rule="welcome"} 3');
    expect(text).toContain('rules_engine_rule_rewards_total{rule="base-points",kind="points"} 2');
    expect(text).toContain('rules_engine_rule_rewards_total{rule="welcome",kind="coupon"} 1');
    // Folded once: a second scrape without new tallies reports the same totals.
    m.tally.matches.add('welcome');
    const again = await m.registry.metrics();
    expect(again).toContain('rules_engine_rule_evaluations_total{rule="welcome"} 3');
    expect(again).toContain('rules_engine_rule_matches_total{rule="welcome"} 1');
  });
});
