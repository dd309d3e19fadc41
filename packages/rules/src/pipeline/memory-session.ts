import type { IncentiveEvent, Reward } from '@incentive/events';
import type { CustomerFacts, CustomerState } from '@incentive/facts';
import type { Pipeline, PipelineResult, ProcessContext } from './create-pipeline.js';

export interface SessionResult {
  /** Rewards of the event and of the derived events it caused, in processing order. */
  rewards: Reward[];
  /** One result per processed event: the input first, then derived events. */
  results: { event: IncentiveEvent; result: PipelineResult }[];
}

export interface MemorySession {
  process(event: IncentiveEvent, ctx?: Omit<ProcessContext, 'referrerKnown'>): Promise<SessionResult>;
  state(customerId: string): CustomerState | undefined;
  facts(customerId: string): CustomerFacts | undefined;
}

/**
 * Keeps customer states in a Map and feeds derived events (referral.credited) back in under the
 * referrer's key, as the worker does through Kafka. For `simulate`, fixtures and tests.
 */
export function createMemorySession(pipeline: Pipeline): MemorySession {
  const states = new Map<string, CustomerState>();
  const lastFacts = new Map<string, CustomerFacts>();
  return {
    async process(event, ctx = {}) {
      const rewards: Reward[] = [];
      const results: SessionResult['results'] = [];
      const queue: IncentiveEvent[] = [event];
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
        const referrerId = e.type === 'referral' || e.type === 'signup' ? e.data.referrerId : undefined;
        const full: ProcessContext = referrerId === undefined ? ctx : { ...ctx, referrerKnown: states.has(referrerId) };
        const result = await pipeline.process(states.get(e.customerId), e, full);
        states.set(e.customerId, result.state);
        lastFacts.set(e.customerId, result.facts);
        rewards.push(...result.rewards);
        results.push({ event: e, result });
        queue.push(...result.derived);
      }
      return { rewards, results };
    },
    state: (id) => states.get(id),
    facts: (id) => lastFacts.get(id),
  };
}
