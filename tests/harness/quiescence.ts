import type { Admin } from 'kafkajs';

/** A consumer group and the topic it reads (the lag that must reach 0). */
export interface GroupTopic {
  groupId: string;
  topic: string;
}

export type LagAdmin = Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>;

/**
 * Messages the group has not committed yet on the topic (sum over partitions). A partition the group
 * never committed counts from the low watermark (the services read from the beginning).
 */
export async function groupLag(admin: LagAdmin, { groupId, topic }: GroupTopic): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const end of ends) {
    const high = Number(end.high);
    const low = Number(end.low);
    const offset = byPartition.get(end.partition) ?? -1;
    lag += Math.max(0, high - (offset < 0 ? low : offset));
  }
  return lag;
}

export interface QuiescenceOptions {
  admin: LagAdmin;
  /** In pipeline order (events → rules-engine before rewards → fulfillment): a later stage is measured after the earlier ones reached 0. */
  stages: GroupTopic[];
  /** Counters that must stay unchanged between polls once lag is 0 (e.g. rewards in MongoDB). */
  counters?: Record<string, () => Promise<number>>;
  /** Consecutive quiet polls required (default 2). */
  stablePolls?: number;
  intervalMs?: number;
  timeoutMs?: number;
  /** A child process that died makes waiting pointless: return its description to fail fast. */
  failed?: () => string | undefined;
  onPoll?: (state: QuiescenceState) => void;
}

export interface QuiescenceState {
  lags: Record<string, number>;
  counters: Record<string, number>;
  quietPolls: number;
}

/**
 * Waits until every stage has lag 0 and the counters did not move for `stablePolls` polls in a row.
 * Lag 0 alone is not enough right after a publish (the broker may not have the messages yet when a
 * consumer commits), and stable counters alone could be a slow consumer; together they mean the
 * pipeline has nothing left to do. Polls, never sleeps blindly.
 */
export async function waitForQuiescence(options: QuiescenceOptions): Promise<QuiescenceState> {
  const stablePolls = options.stablePolls ?? 2;
  const intervalMs = options.intervalMs ?? 150;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let previous: string | undefined;
  let quietPolls = 0;
  for (;;) {
    const died = options.failed?.();
    if (died) throw new Error(`pipeline cannot become quiescent: ${died}`);
    const lags: Record<string, number> = {};
    let busy = false;
    for (const stage of options.stages) {
      const lag = await groupLag(options.admin, stage);
      lags[`${stage.groupId}@${stage.topic}`] = lag;
      if (lag > 0) {
        busy = true;
        break;
      }
    }
    const counters: Record<string, number> = {};
    if (!busy) for (const [name, read] of Object.entries(options.counters ?? {})) counters[name] = await read();
    const fingerprint = JSON.stringify(counters);
    if (busy) quietPolls = 0;
    else quietPolls = fingerprint === previous ? quietPolls + 1 : 1;
    previous = busy ? undefined : fingerprint;
    const state = { lags, counters, quietPolls };
    options.onPoll?.(state);
    if (quietPolls >= stablePolls) return state;
    if (Date.now() > deadline) {
      throw new Error(`pipeline not quiescent after ${options.timeoutMs ?? 120_000} ms: ${JSON.stringify(state)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
