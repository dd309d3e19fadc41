import { RetryableError } from '@incentive/platform';
import { parseEventJson, type IncentiveEvent, type Reward } from '@incentive/events';
import type { AbsentMembers, CommitRequest, FactsStore, LoadedCustomer, NewAppliedRecord, OutboxMessage, PublishedMark } from './redis/facts-store.js';

/** The slice of `@incentive/rules`' pipeline the worker calls. */
export interface EventPipeline<S> {
  process(state: S | undefined, event: IncentiveEvent, ctx: { referrerKnown?: boolean }): Promise<PipelineOutput<S>>;
  /** Optional: the same work, returning the result itself when nothing had to be awaited (no promise per event). */
  run?(state: S | undefined, event: IncentiveEvent, ctx: { referrerKnown?: boolean }): PipelineOutput<S> | Promise<PipelineOutput<S>>;
}

export interface PipelineOutput<S> {
  state: S;
  rewards: Reward[];
  derived: readonly IncentiveEvent[];
}

/** The rules in force for one chunk (swapped atomically between chunks by the reloader). */
export interface RulesSnapshot<S> {
  version: string;
  pipeline: EventPipeline<S>;
  /**
   * Optional: a pipeline for one customer's events of one chunk whose limit store may answer
   * repeated refusals from memory. Before the customer commits, its refusals answered from memory
   * are checked: by the commit itself when the facts store `checksAbsent` (`takeChecks`; a failed
   * check is reported through `granted`, which returns the retryable error), else by `verify()`.
   */
  scoped?: () => {
    pipeline: EventPipeline<S>;
    verify(): Promise<void>;
    takeChecks(): AbsentMembers[];
    granted(ids: string[]): Error;
  };
}

/** The fields of a consumed record the worker reads (kafkajs `KafkaMessage` has them). */
export interface ConsumedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export type Outcome = 'rewarded' | 'no_reward' | 'duplicate' | 'republished' | 'invalid' | 'failed';

export interface DeadLetter {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: ConsumedMessage['headers'];
  code: string;
  message: string;
}

export interface ChunkResult {
  /** In source order; per customer this is the order the events were applied. */
  outbox: OutboxMessage[];
  deadLetters: DeadLetter[];
  /** Applied records whose outbox is in `outbox`: mark them published once Kafka acknowledged. */
  toMarkPublished: PublishedMark[];
  outcomes: Outcome[];
  rulesetVersion: string;
}

export interface ChunkProcessorDeps<S> {
  facts: FactsStore<S>;
  rules: () => RulesSnapshot<S>;
  /** Per processed event, for metrics (per-rule counters). */
  onEvent?: (event: IncentiveEvent, rewards: Reward[], snapshot: RulesSnapshot<S>) => void;
  /** Non-retryable failure of the pure core for one event (a bug or an unexpected input): logged, dead-lettered. */
  onFailure?: (err: unknown, event: IncentiveEvent) => void;
}

interface ValidItem {
  index: number;
  event: IncentiveEvent;
  origin: string;
}

/** Referral and signup events may name a referrer; the facts reducer needs to know whether it exists. */
function referrerOf(event: IncentiveEvent): string | undefined {
  if (event.type !== 'referral' && event.type !== 'signup') return undefined;
  const data = (event as { data?: { referrerId?: unknown } }).data;
  return typeof data?.referrerId === 'string' ? data.referrerId : undefined;
}

/**
 * Processes one chunk of one partition: validate, load facts (one batched call), run the pipeline
 * per customer in order (customers concurrently, so their limit reservations share round trips),
 * then commit state + applied marks + outbox of every customer in one batched call (atomic per
 * customer at least; see FactsStore). Publishing and offset commits are the caller's job; this only
 * returns what to publish.
 *
 * Redelivery: an event whose applied record has the same origin (topic/partition/offset) and is not
 * yet published was applied by a run that crashed before Kafka acknowledged its output, so its stored
 * outbox is published again (same rewardIds). Any other known id is an upstream duplicate: no-op.
 */
export function createChunkProcessor<S>(deps: ChunkProcessorDeps<S>) {
  return async function processChunk(topic: string, partition: number, messages: ConsumedMessage[]): Promise<ChunkResult> {
    const snapshot = deps.rules();
    const outcomes: Outcome[] = new Array<Outcome>(messages.length);
    const deadLetters: DeadLetter[] = [];
    const byCustomer = new Map<string, ValidItem[]>();
    const firstIndexOf = new Map<string, number>();

    messages.forEach((m, index) => {
      const parsed = parseEventJson(m.value ?? new Uint8Array());
      if (!parsed.ok) {
        outcomes[index] = 'invalid';
        deadLetters.push({ offset: m.offset, key: m.key, value: m.value, headers: m.headers, code: parsed.error.code, message: parsed.error.message });
        return;
      }
      const event = parsed.value;
      const list = byCustomer.get(event.customerId) ?? [];
      list.push({ index, event, origin: `${topic}/${partition}/${m.offset}` });
      byCustomer.set(event.customerId, list);
      if (!firstIndexOf.has(event.customerId)) firstIndexOf.set(event.customerId, index);
    });

    const referrers = [...byCustomer.values()].flatMap((items) => items.map((i) => referrerOf(i.event)).filter((r): r is string => r !== undefined));
    const [loaded, known] = await Promise.all([
      deps.facts.load([...byCustomer.entries()].map(([customerId, items]) => ({ customerId, eventIds: items.map((i) => i.event.id) }))),
      deps.facts.knownCustomers(referrers),
    ]);

    const deadLetter = (index: number, code: string, message: string) => {
      const m = messages[index]!;
      deadLetters.push({ offset: m.offset, key: m.key, value: m.value, headers: m.headers, code, message });
    };
    const outboxByIndex = new Map<number, OutboxMessage[]>();
    const toMarkPublished: PublishedMark[] = [];
    // Records this chunk writes: their bucket is the commit's.
    const newToMark: { customerId: string; eventId: string }[] = [];
    const commits: CommitRequest<S>[] = [];
    let grantedEarlier: ((ids: string[]) => Error) | undefined;

    const settled = await Promise.allSettled(
      [...byCustomer.entries()].map(async ([customerId, items]) => {
        const current: LoadedCustomer<S> = loaded.get(customerId) ?? { version: 0, state: undefined, applied: new Map() };
        if (current.stateError !== undefined) {
          // Applying events to an unreadable state would overwrite it: park them in the dead-letter
          // topic (replayable once the state is repaired) and let the partition move on.
          for (const item of items) {
            outcomes[item.index] = 'failed';
            deadLetter(item.index, 'state_unreadable', `stored customer state is unreadable: ${current.stateError}`);
          }
          deps.onFailure?.(new Error(current.stateError), items[0]!.event);
          return;
        }
        const scope = snapshot.scoped?.();
        const pipeline = scope?.pipeline ?? snapshot.pipeline;
        let state = current.state;
        let changed = false;
        const newRecords: NewAppliedRecord[] = [];
        const seenInChunk = new Set<string>();
        for (const item of items) {
          const { event } = item;
          const record = current.applied.get(event.id);
          if (record || seenInChunk.has(event.id)) {
            if (record && record.origin === item.origin && !record.published) {
              outboxByIndex.set(item.index, record.outbox);
              toMarkPublished.push({ customerId, eventId: event.id, bucket: record.bucket });
              outcomes[item.index] = 'republished';
            } else {
              outcomes[item.index] = 'duplicate';
            }
            continue;
          }
          seenInChunk.add(event.id);
          const referrer = referrerOf(event);
          const ctx =
            referrer === undefined
              ? {}
              : { referrerKnown: known.has(referrer) || (firstIndexOf.get(referrer) ?? Infinity) < item.index };
          let result: PipelineOutput<S>;
          try {
            const out = pipeline.run ? pipeline.run(state, event, ctx) : pipeline.process(state, event, ctx);
            result = out instanceof Promise ? await out : out;
          } catch (err) {
            if (err instanceof RetryableError) throw err;
            deps.onFailure?.(err, event);
            outcomes[item.index] = 'failed';
            deadLetter(item.index, 'processing_failed', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
            continue;
          }
          state = result.state;
          changed = true;
          const outbox: OutboxMessage[] = [];
          for (const r of result.rewards) outbox.push({ topic: 'rewards', key: r.customerId, value: JSON.stringify(r) });
          for (const e of result.derived) outbox.push({ topic: 'events', key: e.customerId, value: JSON.stringify(e) });
          newRecords.push({ eventId: event.id, origin: item.origin, outbox });
          if (outbox.length > 0) {
            outboxByIndex.set(item.index, outbox);
            newToMark.push({ customerId, eventId: event.id });
          }
          outcomes[item.index] = result.rewards.length > 0 ? 'rewarded' : 'no_reward';
          deps.onEvent?.(event, result.rewards, snapshot);
        }
        // Refusals answered from memory must not concern a request an earlier run was granted:
        // checked by the commit when the store can, else here.
        let absent: AbsentMembers[] | undefined;
        if (scope && deps.facts.checksAbsent) {
          absent = scope.takeChecks();
          if (absent.length > 0) grantedEarlier = scope.granted;
        } else if (scope) {
          await scope.verify();
        }
        if (changed && state !== undefined) {
          commits.push({ customerId, expectedVersion: current.version, state, applied: newRecords, ...(absent && absent.length > 0 ? { absent } : {}) });
        }
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const { stale, granted, bucket } = await deps.facts.commit(commits);
    // The commit wrote nothing: retry the chunk, asking Redis for those requests. (Only checks a
    // scope handed over can fail, so `grantedEarlier` is set; the chunk is retried regardless.)
    if (granted.length > 0) throw grantedEarlier?.(granted) ?? new RetryableError(`limit requests granted by an earlier run: ${granted.join(', ')}`);
    if (stale.length > 0) {
      // Another worker wrote these customers since we loaded them (a zombie after a rebalance):
      // their group wrote nothing; the whole chunk is retried from fresh reads.
      throw new RetryableError(`facts version conflict for ${stale.length} customer(s)`, { cause: { customerIds: stale } });
    }

    for (const m of newToMark) toMarkPublished.push({ customerId: m.customerId, eventId: m.eventId, bucket });
    deadLetters.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    const outbox = [...outboxByIndex.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, o]) => o);
    return { outbox, deadLetters, toMarkPublished, outcomes, rulesetVersion: snapshot.version };
  };
}

export type ChunkProcessor = ReturnType<typeof createChunkProcessor>;
