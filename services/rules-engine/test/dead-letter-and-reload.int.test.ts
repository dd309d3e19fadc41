import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS } from '@incentive/kafka';
import {
  BASIC_RULES,
  collect,
  collectRewards,
  connectProducer,
  produceEvents,
  purchase,
  setUpTestEnv,
  startWorker,
  useCleanups,
  waitFor,
} from './harness.js';

const cleanups = useCleanups();

async function counterValue(metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((s, v) => s + v.value, 0);
}

describe('rules worker: bad input', () => {
  it('garbage bytes and schema-invalid events go to the dead-letter topic with origin and reason; later valid events are processed', async () => {
    const env = await setUpTestEnv(cleanups, { partitions: 1 });
    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const dlq = await collect(env, env.topics.eventsDlq, (m) => ({ value: m.value, headers: m.headers }));
    cleanups.push(() => dlq.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    const w = await startWorker(env);
    cleanups.push(() => w.stop());

    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]);
    const bad = purchase('bad-1', 'dave', 0, 10);
    await produceEvents(producer, env.topics.events, [
      purchase('ok-1', 'dave', 1, 7),
      { key: 'dave', raw: garbage },
      { key: 'dave', raw: JSON.stringify({ ...bad, data: { ...bad.data, amount: 'ten' } }) },
      { key: 'dave', raw: JSON.stringify({ ...bad, type: 'teleport' }) },
      purchase('ok-2', 'dave', 2, 8),
    ]);
    await waitFor(() => dlq.items.length >= 3 && rewards.items.length >= 2, { timeoutMs: 60_000, message: '3 dead letters and 2 rewards' });

    expect(rewards.items.map((r) => r.sourceEventId)).toEqual(['ok-1', 'ok-2']);
    const [g, s, t] = dlq.items;
    expect(Buffer.compare(g!.value!, garbage)).toBe(0);
    expect(g!.headers[DEAD_LETTER_HEADERS.errorCode]).toBe('invalid_json');
    for (const [d, offset] of [[g!, '1'], [s!, '2'], [t!, '3']] as const) {
      expect(d.headers[DEAD_LETTER_HEADERS.originTopic]).toBe(env.topics.events);
      expect(d.headers[DEAD_LETTER_HEADERS.originPartition]).toBe('0');
      expect(d.headers[DEAD_LETTER_HEADERS.originOffset]).toBe(offset);
    }
    expect(s!.headers[DEAD_LETTER_HEADERS.errorCode]).toBe('schema');
    expect(s!.headers[DEAD_LETTER_HEADERS.errorMessage]).toMatch(/data\.amount/);
    expect(t!.headers[DEAD_LETTER_HEADERS.errorCode]).toBe('schema');
    expect(t!.headers[DEAD_LETTER_HEADERS.errorMessage]).toMatch(/type/);
    expect(await counterValue(w.worker.metrics.eventsProcessed, { outcome: 'invalid' })).toBe(3);
  });
});

describe('rules worker: rules hot reload', () => {
  it('an invalid rules edit is refused and the old rules keep rewarding; a valid edit brings a new rulesetVersion', async () => {
    const env = await setUpTestEnv(cleanups, { partitions: 1 });
    const { rules } = env;
    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    const w = await startWorker(env);
    cleanups.push(() => w.stop());
    const v1 = w.worker.rules.version()!;

    await produceEvents(producer, env.topics.events, [purchase('e1', 'erin', 0, 10)]);
    await waitFor(() => rewards.items.length >= 1, { timeoutMs: 60_000, message: 'first reward' });
    expect(rewards.items[0]!.rulesetVersion).toBe(v1);

    // Broken edit: a rule with an unknown operator. The watcher picks it up and refuses it.
    const [pointsRule, welcome] = BASIC_RULES['basic.json'];
    rules.write('basic.json', [{ ...pointsRule, conditions: { all: [{ fact: 'customer', path: '$.orders', operator: 'aboutEqual', value: 1 }] } }, welcome]);
    await waitFor(async () => (await counterValue(w.worker.metrics.rulesReloadFailures)) >= 1, { timeoutMs: 30_000, message: 'reload refused' });
    expect(w.worker.rules.version()).toBe(v1);
    await produceEvents(producer, env.topics.events, [purchase('e2', 'erin', 1, 11)]);
    await waitFor(() => rewards.items.length >= 2, { timeoutMs: 60_000, message: 'reward under the old rules' });
    expect(rewards.items[1]).toMatchObject({ sourceEventId: 'e2', rulesetVersion: v1, points: 11 });

    // Valid edit: double points. New version, and the next reward carries it.
    rules.write('basic.json', [{ ...pointsRule, reward: { kind: 'points', perUnit: 2 } }, welcome]);
    await waitFor(() => w.worker.rules.version() !== v1, { timeoutMs: 30_000, message: 'new ruleset version' });
    const v2 = w.worker.rules.version()!;
    await produceEvents(producer, env.topics.events, [purchase('e3', 'erin', 2, 12)]);
    await waitFor(() => rewards.items.length >= 3, { timeoutMs: 60_000, message: 'reward under the new rules' });
    expect(rewards.items[2]).toMatchObject({ sourceEventId: 'e3', rulesetVersion: v2, points: 24 });
    expect(await counterValue(w.worker.metrics.rulesReloads, { result: 'ok' })).toBeGreaterThanOrEqual(2);
  });
});
