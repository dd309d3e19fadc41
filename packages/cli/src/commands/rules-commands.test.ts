import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { runCli } from '../run-cli.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const temps: string[] = [];

function capture(cwd = REPO): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {}, cwd }, out: () => out, err: () => err };
}

async function catalogueCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cli-rules-'));
  temps.push(dir);
  await cp(join(REPO, 'rules'), dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('incentive rules lint', () => {
  it('exits 0 with a one-line summary on the shipped rules (default dir)', async () => {
    const c = capture();
    expect(await runCli(['rules', 'lint'], c.io)).toBe(0);
    expect(c.out()).toMatch(/^rules: OK, \d+ rules \(\d+ enabled\), 5 segments, 4 tiers, version [0-9a-f]{16}\n$/);
  });

  it('exits 1 with one line per problem, all of them, as file:pointer: message', async () => {
    const dir = await catalogueCopy();
    await writeFile(
      join(dir, 'incentives', 'broken.json'),
      JSON.stringify([
        {
          id: 'welcome-coupon',
          on: ['signup', 'purchse'],
          conditions: { all: [{ fact: 'customer', path: '$.tierr', operator: 'equals', value: 1 }] },
          reward: { kind: 'points', perUnit: 1 },
          limits: { perCustomer: { count: 1, window: 'P2W' } },
        },
      ]),
    );
    await writeFile(join(dir, 'tiers.json'), '[\n  {"id": "bronze", "minSpend12m": 0},\n  oops\n]');
    const c = capture();
    expect(await runCli(['rules', 'lint', dir], c.io)).toBe(1);
    const lines = c.out().trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${dir}/tiers.json:: invalid JSON at line 3, column 3: unexpected "o"`,
        `${dir}/incentives/broken.json:/0/limits/perCustomer/window: bad window "P2W": expected "PnD", "PnM", "PnY" (n from 1 to 9999) or "lifetime"`,
        expect.stringMatching(new RegExp(`^${dir}/incentives/broken\\.json:/0/on/1: unknown event type "purchse"`)),
        expect.stringMatching(new RegExp(`^${dir}/incentives/broken\\.json:/0/conditions/all/0/path: unknown path "\\$\\.tierr"`)),
        expect.stringMatching(new RegExp(`^${dir}/incentives/broken\\.json:/0/conditions/all/0/operator: unknown operator "equals"`)),
        expect.stringMatching(new RegExp(`^${dir}/incentives/broken\\.json:/0/reward/perUnit: perUnit points need a purchase amount`)),
        expect.stringMatching(new RegExp(`^${dir}/incentives/onboarding\\.json:/0/id: duplicate rule id "welcome-coupon"`)),
      ]),
    );
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) expect(line).toMatch(/^[^:]+:[^:]*: .+/);
    expect(c.err()).toBe(`${lines.length} problems in ${dir}\n`);
  });

  it('exits 2 on usage errors', async () => {
    const c = capture();
    expect(await runCli(['rules', 'lint', 'a', 'b'], c.io)).toBe(2);
    expect(c.err()).toContain('usage: incentive rules lint');
  });
});

describe('incentive rules test', () => {
  it('runs the shipped fixtures and exits 0', async () => {
    const c = capture();
    expect(await runCli(['rules', 'test', 'rules'], c.io)).toBe(0);
    expect(c.out()).toMatch(/^OK: (\d+)\/\1 fixtures passed \(compiled engine\)\n$/);
  });

  it('also runs them with json-rules-engine', async () => {
    const c = capture();
    expect(await runCli(['rules', 'test', '--engine', 'reference'], c.io)).toBe(0);
    expect(c.out()).toContain('(reference engine)');
  });

  it('prints a diff per failing fixture and exits 1', async () => {
    const dir = await catalogueCopy();
    await writeFile(
      join(dir, 'tests', 'zz-failing.json'),
      JSON.stringify([
        {
          name: 'welcome is 15%',
          events: [{ type: 'signup', occurredAt: '2026-03-02T10:00:00Z', data: {} }],
          expect: [{ ruleId: 'welcome-coupon', percentOff: 15 }],
        },
      ]),
    );
    const c = capture();
    expect(await runCli(['rules', 'test', dir], c.io)).toBe(1);
    const out = c.out();
    expect(out).toContain(`FAIL ${dir}/tests/zz-failing.json › welcome is 15%\n`);
    expect(out).toContain('  - expected {"ruleId":"welcome-coupon","percentOff":15}\n');
    expect(out).toContain('    closest welcome-coupon: percentOff: expected 15, got 10\n');
    expect(out).toMatch(/FAILED: (\d+)\/(\d+) fixtures passed/);
  });

  it('exits 1 with the lint problems when the rules do not lint', async () => {
    const dir = await catalogueCopy();
    await writeFile(join(dir, 'schedule.json'), '{"timezone": "Nowhere/Else", "inactivityDays": [30]}');
    const c = capture();
    expect(await runCli(['rules', 'test', dir], c.io)).toBe(1);
    expect(c.out()).toBe(`${dir}/schedule.json:/timezone: must be an IANA time zone such as "UTC" or "Europe/London"\n`);
    expect(c.err()).toContain('rules do not lint (1 problem)');
  });

  it('refuses an unknown engine', async () => {
    const c = capture();
    expect(await runCli(['rules', 'test', '--engine', 'fast'], c.io)).toBe(2);
    expect(c.err()).toContain('--engine must be "compiled" or "reference"');
  });
});
