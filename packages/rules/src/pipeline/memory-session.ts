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
  /**
   * The result itself when every step ran synchronously (a compiled evaluator and an in-memory
   * limit store: `simulate`, fixtures), else a promise; `await` it either way. Errors are thrown
   * from a synchronous step and reject a promise.
   */
  process(event: IncentiveEvent, ctx?: Omit<ProcessContext, 'referrerKnown'>): SessionResult | Promise<SessionResult>;
  state(customerId: string): CustomerState | undefined;
  /** The facts of the customer's last processed event; needs `{ keepFacts: true }` (throws otherwise). */
  facts(customerId: string): CustomerFacts | undefined;
}

export interface MemorySessionOptions {
  /**
   * Keep each customer's last facts for `facts(customerId)`. Off by default: holding on to one facts
   * object per customer keeps them alive past young-generation collections, which cost the full
   * path about a fifth of its throughput in the benchmark.
   */
  keepFacts?: boolean;
}

/**
 * Keeps customer states in a Map and feeds derived events (referral.credited) back in under the
 * referrer's key, as the worker does through Kafka. For `simulate`, fixtures and tests.
 */
const NO_CONTEXT: Omit<ProcessContext, 'referrerKnown'> = {};

export function createMemorySession(pipeline: Pipeline, options: MemorySessionOptions = {}): MemorySession {
  const states = new Map<string, CustomerState>();
  const lastFacts = options.keepFacts === true ? new Map<string, CustomerFacts>() : null;
  const step = (e: IncentiveEvent, ctx: Omit<ProcessContext, 'referrerKnown'>): PipelineResult | Promise<PipelineResult> => {
    const referrerId = e.type === 'referral' || e.type === 'signup' ? e.data.referrerId : undefined;
    const full: ProcessContext = referrerId === undefined ? ctx : { ...ctx, referrerKnown: states.has(referrerId) };
    return pipeline.run(states.get(e.customerId), e, full);
  };
  const keep = (e: IncentiveEvent, result: PipelineResult): void => {
    states.set(e.customerId, result.state);
    lastFacts?.set(e.customerId, result.facts);
  };

  /** Derived events from `queue[from]` on, each after the previous one's state is kept. */
  const drain = (queue: IncentiveEvent[], from: number, out: SessionResult, ctx: Omit<ProcessContext, 'referrerKnown'>): SessionResult | Promise<SessionResult> => {
    for (let i = from; i < queue.length; i++) {
      const e = queue[i] as IncentiveEvent;
      const result = step(e, ctx);
      if (result instanceof Promise) {
        return result.then((r) => {
          add(e, r);
          return drain(queue, i + 1, out, ctx);
        });
      }
      add(e, result);
    }
    return out;

    function add(e: IncentiveEvent, result: PipelineResult): void {
      keep(e, result);
      for (const r of result.rewards) out.rewards.push(r);
      out.results.push({ event: e, result });
      for (const d of result.derived) queue.push(d);
    }
  };

  const afterFirst = (event: IncentiveEvent, first: PipelineResult, ctx: Omit<ProcessContext, 'referrerKnown'>): SessionResult | Promise<SessionResult> => {
    keep(event, first);
    const results: SessionResult['results'] = [{ event, result: first }];
    // The common case: no derived event, so the pipeline's own reward list is the answer.
    if (first.derived.length === 0) return { rewards: first.rewards, results };
    return drain(first.derived.slice(), 0, { rewards: first.rewards.slice(), results }, ctx);
  };

  return {
    process(event, ctx = NO_CONTEXT) {
      const first = step(event, ctx);
      return first instanceof Promise ? first.then((r) => afterFirst(event, r, ctx)) : afterFirst(event, first, ctx);
    },
    state: (id) => states.get(id),
    facts: (id) => {
      if (lastFacts === null) throw new Error('createMemorySession: facts() needs the option { keepFacts: true }');
      return lastFacts.get(id);
    },
  };
}
