import type { Admin } from 'kafkajs';

export type TopicAdmin = Pick<Admin, 'listTopics' | 'createTopics' | 'fetchTopicMetadata'>;

export interface EnsureTopicsOptions {
  partitions: number;
  /** 1 for the single-node stacks; raise on a real cluster. */
  replicationFactor?: number;
  /** Extra topic configs, e.g. `{ 'retention.ms': '604800000' }`. */
  configEntries?: Record<string, string>;
}

export interface EnsureTopicsResult {
  created: string[];
  existing: { topic: string; partitions: number }[];
}

/**
 * Creates the topics that do not exist yet; existing topics are left as they are (their partition
 * count is reported, never changed: adding partitions would move customers to other partitions).
 * Safe to run concurrently: a topic created by someone else between list and create counts as existing.
 */
export async function ensureTopics(
  admin: TopicAdmin,
  topics: readonly string[],
  options: EnsureTopicsOptions,
): Promise<EnsureTopicsResult> {
  if (!Number.isInteger(options.partitions) || options.partitions < 1) {
    throw new Error(`partitions: expected an integer >= 1, got ${String(options.partitions)}`);
  }
  const replicationFactor = options.replicationFactor ?? 1;
  const wanted = [...new Set(topics)];
  const present = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !present.has(t));
  const created: string[] = [];
  if (missing.length > 0) {
    const configEntries = Object.entries(options.configEntries ?? {}).map(([name, value]) => ({ name, value }));
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: options.partitions,
          replicationFactor,
          configEntries,
        })),
      });
    } catch (err) {
      // kafkajs reports TOPIC_ALREADY_EXISTS for a concurrent creator; anything else is real.
      if (!isTopicExistsError(err)) throw err;
    }
    const after = new Set(await admin.listTopics());
    for (const t of missing) {
      if (!after.has(t)) throw new Error(`ensureTopics: topic "${t}" is still missing after createTopics`);
      created.push(t);
    }
  }
  const existingNames = wanted.filter((t) => present.has(t));
  const existing: EnsureTopicsResult['existing'] = [];
  if (existingNames.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: existingNames });
    for (const t of meta.topics) existing.push({ topic: t.name, partitions: t.partitions.length });
  }
  return { created, existing };
}

function isTopicExistsError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { type?: string; errors?: { type?: string }[] };
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS');
}
