import type { Consumer, Kafka } from 'kafkajs';
import { parseEventJson } from '@incentive/events';
import type { Logger } from '@incentive/platform';
import { indexUpdateFor, type IndexUpdate } from '../core/index-update.js';
import type { ApplyOutcome } from '../redis/index-store.js';

export interface IndexConsumerDeps {
  kafka: Pick<Kafka, 'consumer'>;
  topic: string;
  groupId: string;
  timeZone: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  store: { apply(update: IndexUpdate): Promise<ApplyOutcome> };
  /**
   * The index change a record carries: null = none, 'invalid' = unreadable. Default: an upstream
   * event of the events topic (`indexUpdateFor`); the rewards-topic consumer passes its own.
   */
  updateFor?(value: Buffer): IndexUpdate | null | 'invalid';
  logger: Logger;
  /** Counts per outcome: applied, duplicate, unchanged, ignored (no index change), invalid. */
  onOutcome?(outcome: ApplyOutcome | 'ignored' | 'invalid', n: number): void;
}

/**
 * Keeps the due-customer indexes current by consuming the events topic in the scheduler's own
 * group (the rules worker is untouched). Offsets are committed only after the batch's index updates
 * are written, and updates are idempotent, so a crash replays safely.
 */
export function createIndexConsumer(deps: IndexConsumerDeps) {
  const log = deps.logger.child({ component: 'index-consumer', topic: deps.topic, groupId: deps.groupId });
  let consumer: Consumer | undefined;
  let running = false;
  let lastActivity = Date.now();
  const updateFor =
    deps.updateFor ??
    ((value: Buffer): IndexUpdate | null | 'invalid' => {
      const parsed = parseEventJson(value);
      // The rules worker dead-letters invalid events; the indexes just skip them.
      return parsed.ok ? indexUpdateFor(parsed.value, deps.timeZone) : 'invalid';
    });

  async function applyAll(updates: IndexUpdate[]): Promise<void> {
    // One customer's events stay in order (birthday changes, latest purchase); customers run concurrently.
    const byCustomer = new Map<string, IndexUpdate[]>();
    for (const u of updates) {
      const list = byCustomer.get(u.customerId);
      if (list) list.push(u);
      else byCustomer.set(u.customerId, [u]);
    }
    const tally = new Map<ApplyOutcome, number>();
    await Promise.all(
      [...byCustomer.values()].map(async (list) => {
        for (const u of list) {
          const outcome = await deps.store.apply(u);
          tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
        }
      }),
    );
    for (const [outcome, n] of tally) deps.onOutcome?.(outcome, n);
  }

  return {
    async start(): Promise<void> {
      if (consumer) return;
      const c = deps.kafka.consumer({ groupId: deps.groupId, sessionTimeout: deps.sessionTimeoutMs });
      consumer = c;
      c.on(c.events.HEARTBEAT, () => {
        lastActivity = Date.now();
      });
      c.on(c.events.FETCH, () => {
        lastActivity = Date.now();
      });
      c.on(c.events.CRASH, (e) => {
        log.error({ err: e.payload.error, restart: e.payload.restart }, 'index consumer crashed');
      });
      await c.connect();
      await c.subscribe({ topic: deps.topic, fromBeginning: deps.fromBeginning });
      await c.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale()) return;
          const updates: IndexUpdate[] = [];
          let ignored = 0;
          let invalid = 0;
          for (const message of batch.messages) {
            if (!message.value) {
              invalid++;
              continue;
            }
            const u = updateFor(message.value);
            if (u === 'invalid') {
              invalid++;
              continue;
            }
            if (u) updates.push(u);
            else ignored++;
          }
          await applyAll(updates);
          if (ignored > 0) deps.onOutcome?.('ignored', ignored);
          if (invalid > 0) deps.onOutcome?.('invalid', invalid);
          const last = batch.messages[batch.messages.length - 1];
          if (last) resolveOffset(last.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
          lastActivity = Date.now();
        },
      });
      running = true;
      log.info({}, 'index consumer started');
    },
    async stop(): Promise<void> {
      const c = consumer;
      consumer = undefined;
      running = false;
      if (!c) return;
      await c.disconnect();
      log.info({}, 'index consumer stopped');
    },
    isRunning: () => running,
    lastActivity: () => lastActivity,
  };
}

export type IndexConsumer = ReturnType<typeof createIndexConsumer>;
