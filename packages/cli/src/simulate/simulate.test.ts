import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseRewardJson } from '@incentive/events';
import { loadFixtures, loadRuleset } from '@incentive/rules';
import type { Ruleset } from '@incentive/rules';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../commands/simulate.js';
import type { CliIo } from '../cli-io.js';
import { createLineWriter } from './line-io.js';
import { runSimulation } from './run-simulation.js';
import type { SimulationSummary } from './summary.js';
import { syntheticEvents } from './synthetic-events.js';

const RULES_DIR = fileURLToPath(new URL('../../../../rules', import.meta.url));

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function runCli(argv: string[], stdinText = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = collect();
  const err = collect();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const io: CliIo = { stdout: out.stream, stderr: err.stream, stdin, env: {}, cwd: process.cwd() };
  const code = await run(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}

async function simulate(ruleset: Ruleset, lines: string[], engine: 'compiled' | 'reference', clock: 'daily' | null = null) {
  const out = collect();
  const explain = collect();
  const summary = await runSimulation(lines, { ruleset, engine, clock, rewards: createLineWriter(out.stream), explain: createLineWriter(explain.stream) });
  return { rewards: out.text(), explain: explain.text(), summary };
}

const ev = (o: Record<string, unknown>) => JSON.stringify(o);
const purchase = (id: string, customerId: string, occurredAt: string, amount: number) =>
  ev({ id, type: 'purchase', customerId, occurredAt, data: { orderId: `o-${id}`, amount, currency: 'GBP' } });
const signup = (id: string, customerId: string, occurredAt: string, birthday?: string) =>
  ev({ id, type: 'signup', customerId, occurredAt, data: birthday ? { birthday } : {} });

let ruleset: Ruleset;
beforeAll(async () => {
  const loaded = await loadRuleset(RULES_DIR);
  if (!loaded.ok) throw new Error(`rules do not load: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
  ruleset = loaded.ruleset;
});

describe('incentive simulate (command)', () => {
  it('streams valid reward JSONL to stdout, reports and skips bad lines, prints the summary on stderr', async () => {
    const stdin = [
      signup('s1', 'c1', '2026-03-01T10:00:00Z'),
      purchase('p1', 'c1', '2026-03-02T10:00:00Z', 120),
      '{not json',
      purchase('p1', 'c1', '2026-03-02T10:00:00Z', 120), // duplicate id
      ev({ id: 'p2', type: 'purchase', customerId: 'c1', occurredAt: '2026-03-02T11:00:00Z', data: { orderId: 'x', amount: -1, currency: 'GBP' } }),
      ev({ id: 'u1', type: 'teleport', customerId: 'c1', occurredAt: '2026-03-02T11:00:00Z', data: {} }),
      '',
      purchase('p3', 'c1', '2026-03-03T10:00:00Z', 40),
    ].join('\n');
    const { code, stdout, stderr } = await runCli(['--rules', RULES_DIR, '--events', '-'], stdin);
    expect(code).toBe(0);
    const rewards = stdout.trim().split('\n').map((l) => parseRewardJson(l));
    expect(rewards.every((r) => r.ok)).toBe(true);
    const ids = rewards.map((r) => (r.ok ? `${r.value.ruleId}@${r.value.sourceEventId}` : ''));
    expect(ids).toEqual(['welcome-coupon@s1', 'first-purchase-bonus@p1', 'base-points@p1', 'base-points@p3']);
    expect(stderr).toMatch(/^line 3: is not valid JSON/m);
    expect(stderr).toMatch(/^line 5: data\.amount: must be >= 0$/m);
    expect(stderr).toMatch(/^line 6: type: /m);
    expect(stderr).toMatch(/events: 8 lines read, 3 accepted, 3 rejected, 1 duplicate ids skipped, 1 blank lines/);
    expect(stderr).toMatch(/^\s+1\s+invalid_json$/m);
    expect(stderr).toMatch(/^\s+1\s+schema at data\.amount: must be >= 0$/m);
    expect(stderr).toMatch(/^rewards: 4$/m);
    expect(stderr).toMatch(/^\s+base-points\s+2\s+160 points$/m);
  });

  it('reads a gzipped events file and writes --explain-to a file, leaving stderr to the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    try {
      const events = join(dir, 'events.jsonl.gz');
      writeFileSync(events, gzipSync([signup('s1', 'c1', '2026-03-01T10:00:00Z'), purchase('p1', 'c1', '2026-03-02T10:00:00Z', 120)].join('\r\n') + '\r\n'));
      const explainFile = join(dir, 'explain.txt');
      const { code, stdout, stderr } = await runCli(['--rules', RULES_DIR, '--events', events, '--explain-to', explainFile]);
      expect(code).toBe(0);
      expect(stdout.trim().split('\n')).toHaveLength(3);
      expect(stderr).toMatch(/events: 2 lines read, 2 accepted, 0 rejected/);
      expect(stderr).not.toMatch(/conditions failed/);
      expect(readFileSync(explainFile, 'utf8')).toMatch(/^signup s1 customer c1 at 2026-03-01T10:00:00Z: 1 rule\(s\)\n {2}welcome-coupon: matched, rewarded$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses rules whose conditions cannot work (the lint rule json-rules-engine would throw on) before reading events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-rules-'));
    try {
      for (const f of ['segments.json', 'tiers.json', 'schedule.json']) cpSync(join(RULES_DIR, f), join(dir, f));
      mkdirSync(join(dir, 'incentives'));
      const rules = [
        { id: 'odd-in', on: ['purchase'], priority: 1, conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'in', value: { fact: 'customer', path: '$.orders' } }] }, reward: { kind: 'points', points: 5 } },
        { id: 'fine', on: ['purchase'], priority: 1, conditions: { all: [] }, reward: { kind: 'points', points: 1 } },
      ];
      writeFileSync(join(dir, 'incentives', 'odd.json'), JSON.stringify(rules));
      const { code, stdout, stderr } = await runCli(['--rules', dir, '--events', '-'], [purchase('p1', 'c1', '2026-03-02T10:00:00Z', 12)].join('\n'));
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/incentives\/odd\.json:\/0\/conditions\/all\/0[^:]*: .*\bin\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad usage with exit 2 and unloadable rules with exit 1 (problems listed)', async () => {
    expect((await runCli(['--events', '-'])).code).toBe(2);
    expect((await runCli(['--rules', RULES_DIR, '--events', '-', '--clock', 'hourly'])).stderr).toMatch(/--clock: only "daily"/);
    expect((await runCli(['--rules', RULES_DIR, '--events', '-', '--engine', 'fast'])).code).toBe(2);
    expect((await runCli(['--rules', RULES_DIR, '--events', '/nonexistent/events.jsonl'])).code).toBe(2);
    const bad = await runCli(['--rules', '/nonexistent-rules', '--events', '-']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/incentives\/:: directory is missing/);
  });

  it('--explain writes each event, every rule its type triggers and the failing conditions with values seen', async () => {
    const stdin = [signup('s1', 'c1', '2026-03-01T10:00:00Z'), purchase('p1', 'c1', '2026-03-02T10:00:00Z', 120)].join('\n');
    const { stderr } = await runCli(['--rules', RULES_DIR, '--events', '-', '--explain'], stdin);
    expect(stderr).toMatch(/^purchase p1 customer c1 at 2026-03-02T10:00:00Z: \d+ rule\(s\)$/m);
    expect(stderr).toMatch(/^ {2}base-points \[base-points\/100\]: matched, rewarded$/m);
    expect(stderr).toMatch(/^ {2}base-points-gold \[base-points\/300\]: conditions failed\n {6}\/all\/0 customer \$\.tier equal "gold": saw "bronze"$/m);
  });
});

describe('simulate --clock daily', () => {
  it('raises birthday and inactivity events at the local midnights event time crosses, before the crossing event', async () => {
    const lines = [signup('s1', 'c1', '2026-03-01T10:00:00Z', '--03-05'), purchase('p1', 'c1', '2026-03-02T10:00:00Z', 120), purchase('p2', 'c1', '2026-07-01T09:00:00Z', 30)];
    const withClock = await simulate(ruleset, lines, 'compiled', 'daily');
    const sources = withClock.rewards.trim().split('\n').map((l) => (JSON.parse(l) as { sourceEventId: string }).sourceEventId);
    expect(sources).toContain('clock:birthday:c1:2026');
    expect(sources).toContain('clock:inactivity:c1:90:2026-03-02T10:00:00Z');
    expect(sources.indexOf('clock:birthday:c1:2026')).toBeLessThan(sources.indexOf('p2'));
    // March's leaderboard closes at the midnight of 1 April (c1 is its only spender).
    expect(withClock.summary.clockEvents).toEqual({ birthday: 1, inactivity: 3, 'leaderboard.closed': 1 });
    expect(withClock.summary.ticks).toBe(122); // local midnights 2026-03-02 .. 2026-07-01 inclusive: 30 + 30 + 31 + 30 + 1
    const noClock = await simulate(ruleset, lines, 'compiled');
    expect(noClock.rewards).not.toMatch(/clock:/);
    expect(noClock.summary.ticks).toBe(0);
  });
});

describe('simulate --clock daily: monthly leaderboard', () => {
  const refund = (id: string, customerId: string, occurredAt: string, amount: number, orderId: string) =>
    ev({ id, type: 'refund', customerId, occurredAt, data: { orderId, amount, currency: 'GBP' } });

  it('closes a month at the first midnight of the next with the scheduler ids, refunds lowering their order month, and the top-10 gift', async () => {
    const lines: string[] = [];
    // 12 spenders in January 2026: cNN spends 100 + NN.
    for (let i = 0; i < 12; i++) lines.push(purchase(`j${i}`, `c${String(i).padStart(2, '0')}`, `2026-01-${String(10 + i).padStart(2, '0')}T10:00:00Z`, 100 + i));
    lines.push(purchase('f1', 'c00', '2026-01-31T23:59:00Z', 50)); // c00 = 150
    lines.push(refund('r0', 'c10', '2026-01-31T23:59:30Z', 100, 'o-j10')); // c10 = 10: out of the top 10
    lines.push(purchase('f2', 'c05', '2026-02-01T00:00:00Z', 1)); // crosses the midnight of 1 February: January closes first
    lines.push(refund('r1', 'c11', '2026-02-03T09:00:00Z', 100, 'o-j11')); // lowers January (closed): changes nothing published, not February
    lines.push(purchase('late', 'c01', '2026-03-02T10:00:00Z', 5)); // crosses 1 March: February closes (only c05 spent)
    const { rewards, summary } = await simulate(ruleset, lines, 'compiled', 'daily');
    const parsed = rewards
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ruleId: string; customerId: string; sourceEventId: string; issuedAt: string; sku?: string });
    const gifts = parsed.filter((r) => r.ruleId === 'leaderboard-top10-gift');
    expect(gifts.slice(0, 10).map((g) => [g.sourceEventId, g.customerId])).toEqual([
      ['clock:leaderboard:2026-01:1', 'c00'],
      ['clock:leaderboard:2026-01:2', 'c11'],
      ['clock:leaderboard:2026-01:3', 'c09'],
      ['clock:leaderboard:2026-01:4', 'c08'],
      ['clock:leaderboard:2026-01:5', 'c07'],
      ['clock:leaderboard:2026-01:6', 'c06'],
      ['clock:leaderboard:2026-01:7', 'c05'],
      ['clock:leaderboard:2026-01:8', 'c04'],
      ['clock:leaderboard:2026-01:9', 'c03'],
      ['clock:leaderboard:2026-01:10', 'c02'],
    ]);
    // The close is processed before the event that crossed the midnight.
    expect(parsed.findIndex((r) => r.sourceEventId === 'clock:leaderboard:2026-01:10')).toBeLessThan(parsed.findIndex((r) => r.sourceEventId === 'f2'));
    expect(gifts[0]?.issuedAt).toBe('2026-02-01T00:00:00+00:00'); // the tick instant
    expect(gifts[0]?.sku).toBe('GIFT-TOP-SPENDER');
    // February: c05 bought 1, c11's refund went to its order's month (January, already closed), so c11 is not in February at all.
    expect(gifts.slice(10).map((g) => [g.sourceEventId, g.customerId])).toEqual([['clock:leaderboard:2026-02:1', 'c05']]);
    expect(summary.clockEvents['leaderboard.closed']).toBe(11);
  });
});

function compareEngines(a: Awaited<ReturnType<typeof simulate>>, b: Awaited<ReturnType<typeof simulate>>): void {
  expect(b.rewards).toBe(a.rewards);
  expect(b.explain).toBe(a.explain);
  const strip = (s: SimulationSummary) => ({ ...s, engine: '', elapsedMs: 0 });
  expect(strip(b.summary)).toEqual(strip(a.summary));
}

describe('simulate: compiled and reference engines give identical output', () => {
  it('over every fixture in rules/tests (given events + events, with and without the daily clock)', async () => {
    const { fixtures, problems } = await loadFixtures(RULES_DIR);
    expect(problems).toEqual([]);
    expect(fixtures.length).toBeGreaterThan(20);
    let rewarded = 0;
    for (const f of fixtures) {
      const lines = [...f.given.events, ...f.events].map((e) => JSON.stringify(e));
      for (const clock of [null, 'daily'] as const) {
        const compiled = await simulate(ruleset, lines, 'compiled', clock);
        const reference = await simulate(ruleset, lines, 'reference', clock);
        compareEngines(compiled, reference);
        if (compiled.summary.rewards > 0) rewarded++;
      }
    }
    expect(rewarded).toBeGreaterThan(fixtures.length);
  }, 60_000);

  it('over a seeded synthetic year (3,000 events, 150 customers, daily clock)', async () => {
    const events = syntheticEvents({ seed: 7, customers: 150, events: 3000, startMs: Date.parse('2026-01-01T00:00:00Z'), days: 365 });
    const lines = events.map((e) => JSON.stringify(e));
    const compiled = await simulate(ruleset, lines, 'compiled', 'daily');
    const reference = await simulate(ruleset, lines, 'reference', 'daily');
    compareEngines(compiled, reference);
    // The stream exercises most of the catalogue, so agreement means something.
    expect(compiled.summary.byRule.size).toBeGreaterThanOrEqual(12);
    expect(compiled.summary.rejected).toBe(0);
  }, 120_000);
});
