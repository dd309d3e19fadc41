import type { Reward } from '@incentive/events';
import { loadRuleset } from '@incentive/rules';
import { simulate, type Simulation } from './expected-rewards.js';
import { RULES_DIR } from './repo.js';
import { importOnlineRetail, sampleCustomers, sliceByWeeks, type RetailSlice } from './retail-slice.js';

/**
 * The first `weeks` of the imported Online Retail year, for one customer in `customersOneIn`, and
 * what simulate --clock daily predicts for exactly those events.
 */
export async function retailScenario(weeks: number, customersOneIn = 1): Promise<{ slice: RetailSlice; expected: Simulation }> {
  const loaded = await loadRuleset(RULES_DIR);
  if (!loaded.ok) throw new Error(`rules/ does not load: ${loaded.problems.map((p) => `${p.file}:${p.pointer}: ${p.message}`).slice(0, 3).join('; ')}`);
  const year = await importOnlineRetail();
  const slice = sliceByWeeks(sampleCustomers(year.events, customersOneIn), weeks, loaded.ruleset.schedule.timezone);
  return { slice, expected: await simulate(RULES_DIR, slice.events) };
}

export function perCustomer(rewards: Iterable<Reward>): Map<string, Reward[]> {
  const m = new Map<string, Reward[]>();
  for (const r of rewards) {
    let list = m.get(r.customerId);
    if (!list) m.set(r.customerId, (list = []));
    list.push(r);
  }
  return m;
}

/** Clock events only (`clock:<type>:...` ids, issue 3 §4). */
export const isClockEventId = (id: string): boolean => id.startsWith('clock:');
