import { describe, expect, it } from 'vitest';
import { RetryableError } from '@incentive/platform';
import type { IncentiveEvent, Reward } from '@incentive/events';
import { createChunkProcessor, type ConsumedMessage, type EventPipeline } from './chunk-processor.js';
import type { AppliedRecord, FactsStore, LoadedCustomer } from './redis/facts-store.js';

interface State {
  customerId: string;
  seen: string[];
}

/** FactsStore with the same contract as the Redis one, in memory: lets the orchestration be tested on its own. */
function memoryFacts(options: { checksAbsent?: boolean } = {}): FactsStore<State> & {
  rows: Map<string, { version: number; state: State; applied: Map<string, AppliedRecord> }>;
  corrupt: Set<string>;
  /** Ids of absent checks whose member is "present" (granted by an earlier run). */
  granted: Set<string>;
} {
  const rows = new Map<string, { version: number; state: State; applied: Map<string, AppliedRecord> }>();
  const corrupt = new Set<string>();
  const grantedIds = new Set<string>();
  return {
    rows,
    corrupt,
    granted: grantedIds,
    async load(requests) {
      const out = new Map<string, LoadedCustomer<State>>();
      for (const { customerId, eventIds } of requests) {
        const row = rows.get(customerId);
        const applied = new Map<string, AppliedRecord>();
        for (const id of eventIds) {
          const a = row?.applied.get(id);
          if (a) applied.set(id, structuredClone(a));
        }
        out.set(customerId, {
          version: row?.version ?? 0,
          state: row ? structuredClone(row.state) : undefined,
          applied,
          ...(corrupt.has(customerId) ? { stateError: 'v: unsupported state version 9' } : {}),
        });
      }
      return out;
    },
    async knownCustomers(ids) {
      return new Set(ids.filter((id) => rows.has(id)));
    },
    async commit(requests) {
      // All or nothing, as one group of the Redis store.
      const stale = requests.filter((r) => (rows.get(r.customerId)?.version ?? 0) !== r.expectedVersion).map((r) => r.customerId);
      const granted = requests.flatMap((r) => (r.absent ?? []).map((c) => c.id)).filter((id) => grantedIds.has(id));
      if (stale.length > 0 || granted.length > 0) return { stale, granted, bucket: 0 };
      for (const { customerId, state, applied } of requests) {
        const row = rows.get(customerId) ?? { version: 0, state, applied: new Map() };
        row.version += 1;
        row.state = structuredClone(state);
        for (const a of applied) row.applied.set(a.eventId, { origin: a.origin, published: a.outbox.length === 0, outbox: a.outbox, bucket: 0 });
        rows.set(customerId, row);
      }
      return { stale: [], granted: [], bucket: 0 };
    },
    checksAbsent: options.checksAbsent ?? false,
    async markPublished(entries) {
      for (const e of entries) {
        const a = rows.get(e.customerId)?.applied.get(e.eventId);
        if (a) {
          a.published = true;
          a.outbox = [];
        }
      }
    },
  };
}

/** One points reward per purchase; remembers the order it saw events in. */
const pipeline: EventPipeline<State> = {
  async process(state, event) {
    const next = { customerId: event.customerId, seen: [...(state?.seen ?? []), event.id] };
    if (event.id.startsWith('boom')) throw new TypeError('rule blew up');
    if (event.id.startsWith('flaky')) throw new RetryableError('redis down');
    const rewards = event.type === 'purchase' ? [{ rewardId: `r-${event.id}`, ruleId: 'p', rulesetVersion: 'v1', customerId: event.customerId, sourceEventId: event.id, kind: 'points', points: 1, issuedAt: event.occurredAt } as Reward] : [];
    return { state: next, rewards, derived: [] as IncentiveEvent[] };
  },
};

let offset = 0;
function msg(value: unknown): ConsumedMessage {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { offset: String(offset++), key: null, value: Buffer.from(text), timestamp: String(Date.now()) };
}
const purchase = (id: string, customerId: string) => ({ id, type: 'purchase', customerId, occurredAt: '2026-03-01T10:00:00Z', data: { orderId: `o-${id}`, amount: 5, currency: 'GBP' } });

describe('chunk processor', () => {
  it('applies each customer in order, dead-letters invalid records, and returns the outbox in source order', async () => {
    const facts = memoryFacts();
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline }) });
    const r = await run('t', 0, [msg(purchase('a1', 'ann')), msg('{oops'), msg(purchase('b1', 'ben')), msg({ ...purchase('x', 'ann'), type: 'nope' }), msg(purchase('a2', 'ann'))]);
    expect(r.outcomes).toEqual(['rewarded', 'invalid', 'rewarded', 'invalid', 'rewarded']);
    expect(r.deadLetters.map((d) => d.code)).toEqual(['invalid_json', 'schema']);
    expect(r.outbox.map((o) => JSON.parse(o.value).sourceEventId)).toEqual(['a1', 'b1', 'a2']);
    expect(facts.rows.get('ann')!.state.seen).toEqual(['a1', 'a2']);
  });

  it('processes chunks of several partitions with one load and one commit, and splits the results per partition', async () => {
    const facts = memoryFacts();
    const calls: string[] = [];
    const [load, commit] = [facts.load.bind(facts), facts.commit.bind(facts)];
    facts.load = async (r) => (calls.push('load'), load(r));
    facts.commit = async (r) => (calls.push('commit'), commit(r));
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline }) });
    const [p0, p1] = await run.parts([
      { topic: 't', partition: 0, messages: [msg(purchase('a1', 'ann')), msg('{oops'), msg(purchase('a2', 'ann'))] },
      { topic: 't', partition: 1, messages: [msg(purchase('b1', 'ben')), msg(purchase('a1', 'ann'))] },
    ]);
    expect(calls).toEqual(['load', 'commit']);
    expect(p0!.outcomes).toEqual(['rewarded', 'invalid', 'rewarded']);
    expect(p0!.deadLetters.map((d) => d.code)).toEqual(['invalid_json']);
    expect(p0!.outbox.map((o) => JSON.parse(o.value).sourceEventId)).toEqual(['a1', 'a2']);
    expect(p0!.toMarkPublished.map((m) => m.eventId)).toEqual(['a1', 'a2']);
    // The same id again from another partition: a duplicate, not applied twice.
    expect(p1!.outcomes).toEqual(['rewarded', 'duplicate']);
    expect(p1!.deadLetters).toEqual([]);
    expect(p1!.outbox.map((o) => JSON.parse(o.value).sourceEventId)).toEqual(['b1']);
    expect(facts.rows.get('ann')!.state.seen).toEqual(['a1', 'a2']);
  });

  it('a redelivered record whose outbox was not published re-publishes it; an upstream duplicate is a no-op', async () => {
    const facts = memoryFacts();
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline }) });
    const m = msg(purchase('c1', 'cid'));
    const first = await run('t', 0, [m]);
    // Crash before the send was acknowledged: same record again.
    const again = await run('t', 0, [m]);
    expect(again.outcomes).toEqual(['republished']);
    expect(again.outbox).toEqual(first.outbox);
    await facts.markPublished(again.toMarkPublished);
    expect((await run('t', 0, [m])).outcomes).toEqual(['duplicate']);
    // The same id under a new offset (upstream re-sent it).
    const dup = await run('t', 0, [msg(purchase('c1', 'cid')), msg(purchase('c1', 'cid'))]);
    expect(dup.outcomes).toEqual(['duplicate', 'duplicate']);
    expect(dup.outbox).toEqual([]);
    expect(facts.rows.get('cid')!.state.seen).toEqual(['c1']);
  });

  it('a non-retryable pipeline failure dead-letters that event only; a retryable one fails the chunk', async () => {
    const facts = memoryFacts();
    const failures: string[] = [];
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline }), onFailure: (_e, ev) => failures.push(ev.id) });
    const r = await run('t', 0, [msg(purchase('boom-1', 'dan')), msg(purchase('d2', 'dan'))]);
    expect(r.outcomes).toEqual(['failed', 'rewarded']);
    expect(r.deadLetters[0]).toMatchObject({ code: 'processing_failed', message: 'TypeError: rule blew up' });
    expect(failures).toEqual(['boom-1']);
    await expect(run('t', 0, [msg(purchase('flaky-1', 'dan'))])).rejects.toBeInstanceOf(RetryableError);
  });

  it('an unreadable stored state dead-letters the customer\'s events without touching the state', async () => {
    const facts = memoryFacts();
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline }) });
    await run('t', 0, [msg(purchase('e1', 'eve'))]);
    facts.corrupt.add('eve');
    const r = await run('t', 0, [msg(purchase('e2', 'eve')), msg(purchase('f1', 'fay'))]);
    expect(r.outcomes).toEqual(['failed', 'rewarded']);
    expect(r.deadLetters[0]!.code).toBe('state_unreadable');
    expect(facts.rows.get('eve')!.state.seen).toEqual(['e1']);
  });

  it('a version conflict (another writer) fails the chunk as retryable; the retry sees the other write', async () => {
    const facts = memoryFacts();
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline }) });
    const realLoad = facts.load.bind(facts);
    let interleave = true;
    facts.load = async (reqs) => {
      const out = await realLoad(reqs);
      if (interleave) {
        interleave = false;
        await facts.commit([{ customerId: 'gus', expectedVersion: 0, state: { customerId: 'gus', seen: ['other'] }, applied: [] }]);
      }
      return out;
    };
    const m = msg(purchase('g1', 'gus'));
    await expect(run('t', 0, [m])).rejects.toBeInstanceOf(RetryableError);
    const r = await run('t', 0, [m]);
    expect(r.outcomes).toEqual(['rewarded']);
    expect(facts.rows.get('gus')!.state.seen).toEqual(['other', 'g1']);
  });

  it('tells the reducer whether a referrer is known (stored, or earlier in the chunk)', async () => {
    const facts = memoryFacts();
    const seen: (boolean | undefined)[] = [];
    const spy: EventPipeline<State> = {
      process: async (state, event, ctx) => {
        seen.push(ctx.referrerKnown);
        return pipeline.process(state, event, ctx);
      },
    };
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline: spy }) });
    const referral = (id: string, customerId: string, referrerId: string) => ({ id, type: 'referral', customerId, occurredAt: '2026-03-01T10:00:00Z', data: { referrerId } });
    await run('t', 0, [msg(referral('r1', 'new1', 'ghost')), msg(purchase('h1', 'host')), msg(referral('r2', 'new2', 'host'))]);
    expect(seen).toEqual([false, undefined, true]);
  });

  it.each([true, false])('refusals answered from memory are checked by the facts commit when the store can (checksAbsent: %s), else by verify()', async (checksAbsent) => {
    const facts = memoryFacts({ checksAbsent });
    const calls: string[] = [];
    const scoped = () => ({
      pipeline,
      verify: async () => {
        calls.push('verify');
      },
      takeChecks: () => {
        calls.push('takeChecks');
        return [{ id: 'req-1', keys: ['k'], members: ['req-1|1'] }];
      },
      granted: (ids: string[]) => new RetryableError(`granted earlier: ${ids.join()}`),
    });
    const run = createChunkProcessor({ facts, rules: () => ({ version: 'v1', pipeline, scoped }) });
    facts.granted.add('req-1');
    if (checksAbsent) {
      // The commit finds the member: nothing written, the chunk fails as retryable.
      await expect(run('t', 0, [msg(purchase('h1', 'hal'))])).rejects.toThrow('granted earlier: req-1');
      expect(facts.rows.has('hal')).toBe(false);
      expect(calls).toEqual(['takeChecks']);
      facts.granted.clear();
      calls.length = 0;
    }
    const r = await run('t', 0, [msg(purchase('h1', 'hal'))]);
    expect(r.outcomes).toEqual(['rewarded']);
    expect(facts.rows.get('hal')!.state.seen).toEqual(['h1']);
    expect(calls).toEqual(checksAbsent ? ['takeChecks'] : ['verify']);
  });
});
