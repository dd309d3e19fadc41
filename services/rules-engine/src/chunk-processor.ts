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
  /** Which part of the call. */
  part: number;
  /** Position in its part. */
  index: number;
  /** Position over all parts (part order, then offset order). */
  order: number;
  event: IncentiveEvent;
  origin: string;
}

/** The messages of one partition in a `processParts` call. */
export interface ChunkPart {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
}

/** One part's share of the results. */
interface PartAcc {
  outcomes: Outcome[];
  deadLetters: DeadLetter[];
  outboxByIndex: Map<number, OutboxMessage[]>;
  toMarkPublished: PublishedMark[];
  /** Records this call writes: their bucket is the commit's. */
  newToMark: { customerId: string; eventId: string }[];
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
 * `.parts` does the same for chunks of several partitions at once (one load, one commit for all),
 * returning one result per part: when events trickle in, a fetch brings a few events per partition,
 * and per-call costs (round trips, socket writes, script dispatch) would otherwise be paid per
 * partition. A failure fails every part (each is retried by its caller).
 *
 * Redelivery: an event whose applied record has the same origin (topic/partition/offset) and is not
 * yet published was applied by a run that crashed before Kafka acknowledged its output, so its stored
 * outbox is published again (same rewardIds). Any other known id is an upstream duplicate: no-op.
 */
export function createChunkProcessor<S>(deps: ChunkProcessorDeps<S>) {
  async function processParts(parts: ChunkPart[]): Promise<ChunkResult[]> {
    const snapshot = deps.rules();
    const accs: PartAcc[] = parts.map((p) => ({
      outcomes: new Array<Outcome>(p.messages.length),
      deadLetters: [],
      outboxByIndex: new Map(),
      toMarkPublished: [],
      newToMark: [],
    }));
    const byCustomer = new Map<string, ValidItem[]>();
    const firstOrderOf = new Map<string, number>();

    let order = 0;
    parts.forEach(({ topic, partition, messages }, part) => {
      const acc = accs[part]!;
      messages.forEach((m, index) => {
        const parsed = parseEventJson(m.value ?? new Uint8Array());
        order++;
        if (!parsed.ok) {
          acc.outcomes[index] = 'invalid';
          acc.deadLetters.push({ offset: m.offset, key: m.key, value: m.value, headers: m.headers, code: parsed.error.code, message: parsed.error.message });
          return;
        }
        const event = parsed.value;
        const list = byCustomer.get(event.customerId) ?? [];
        list.push({ part, index, order, event, origin: `${topic}/${partition}/${m.offset}` });
        byCustomer.set(event.customerId, list);
        if (!firstOrderOf.has(event.customerId)) firstOrderOf.set(event.customerId, order);
      });
    });

    const referrers = [...byCustomer.values()].flatMap((items) => items.map((i) => referrerOf(i.event)).filter((r): r is string => r !== undefined));
    const [loaded, known] = await Promise.all([
      deps.facts.load([...byCustomer.entries()].map(([customerId, items]) => ({ customerId, eventIds: items.map((i) => i.event.id) }))),
      deps.facts.knownCustomers(referrers),
    ]);

    const deadLetter = (item: ValidItem, code: string, message: string) => {
      const m = parts[item.part]!.messages[item.index]!;
      accs[item.part]!.deadLetters.push({ offset: m.offset, key: m.key, value: m.value, headers: m.headers, code, message });
    };
    const commits: CommitRequest<S>[] = [];
    let grantedEarlier: ((ids: string[]) => Error) | undefined;

    const settled = await Promise.allSettled(
      [...byCustomer.entries()].map(async ([customerId, items]) => {
        const current: LoadedCustomer<S> = loaded.get(customerId) ?? { version: 0, state: undefined, applied: new Map() };
        if (current.stateError !== undefined) {
          // Applying events to an unreadable state would overwrite it: park them in the dead-letter
          // topic (replayable once the state is repaired) and let the partition move on.
          for (const item of items) {
            accs[item.part]!.outcomes[item.index] = 'failed';
            deadLetter(item, 'state_unreadable', `stored customer state is unreadable: ${current.stateError}`);
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
          const acc = accs[item.part]!;
          const record = current.applied.get(event.id);
          if (record || seenInChunk.has(event.id)) {
            if (record && record.origin === item.origin && !record.published) {
              acc.outboxByIndex.set(item.index, record.outbox);
              acc.toMarkPublished.push({ customerId, eventId: event.id, bucket: record.bucket });
              acc.outcomes[item.index] = 'republished';
            } else {
              acc.outcomes[item.index] = 'duplicate';
            }
            continue;
          }
          seenInChunk.add(event.id);
          const referrer = referrerOf(event);
          const ctx =
            referrer === undefined
              ? {}
              : { referrerKnown: known.has(referrer) || (firstOrderOf.get(referrer) ?? Infinity) < item.order };
          let result: PipelineOutput<S>;
          try {
            const out = pipeline.run ? pipeline.run(state, event, ctx) : pipeline.process(state, event, ctx);
            result = out instanceof Promise ? await out : out;
          } catch (err) {
            if (err instanceof RetryableError) throw err;
            deps.onFailure?.(err, event);
            acc.outcomes[item.index] = 'failed';
            deadLetter(item, 'processing_failed', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
            continue;
          }
          state = result.state;
          changed = true;
          const outbox: OutboxMessage[] = [];
          for (const r of result.rewards) outbox.push({ topic: 'rewards', key: r.customerId, value: JSON.stringify(r) });
          for (const e of result.derived) outbox.push({ topic: 'events', key: e.customerId, value: JSON.stringify(e) });
          newRecords.push({ eventId: event.id, origin: item.origin, outbox });
          if (outbox.length > 0) {
            acc.outboxByIndex.set(item.index, outbox);
            acc.newToMark.push({ customerId, eventId: event.id });
          }
          acc.outcomes[item.index] = result.rewards.length > 0 ? 'rewarded' : 'no_reward';
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

    return accs.map((acc) => {
      for (const m of acc.newToMark) acc.toMarkPublished.push({ customerId: m.customerId, eventId: m.eventId, bucket });
      acc.deadLetters.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
      const outbox = [...acc.outboxByIndex.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, o]) => o);
      return { outbox, deadLetters: acc.deadLetters, toMarkPublished: acc.toMarkPublished, outcomes: acc.outcomes, rulesetVersion: snapshot.version };
    });
  }

  async function processChunk(topic: string, partition: number, messages: ConsumedMessage[]): Promise<ChunkResult> {
    return (await processParts([{ topic, partition, messages }]))[0]!;
  }
  return Object.assign(processChunk, { parts: processParts });
}

export type ChunkProcessor = ReturnType<typeof createChunkProcessor>;
