import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRewardJson, type IncentiveEvent, type Reward } from '@incentive/events';
import { runIncentive } from './incentive-cli.js';
import { REPO_ROOT } from './repo.js';
import { toJsonl } from './retail-slice.js';

export interface Simulation {
  /** Reward for reward, in order. */
  rewards: Reward[];
  /** Clock events raised, by type (from the summary line `N daily ticks raised A birthday, B inactivity`). */
  clockEvents: Record<string, number>;
  ticks: number;
}

/** What `pnpm incentive simulate --rules <dir> --events <slice> --clock daily` predicts. */
export async function simulate(rulesDir: string, events: readonly IncentiveEvent[]): Promise<Simulation> {
  const dir = await mkdtemp(join(tmpdir(), 'incentive-simulate-'));
  try {
    const file = join(dir, 'events.jsonl');
    await writeFile(file, toJsonl(events));
    const run = await runIncentive(['simulate', '--rules', rulesDir, '--events', file, '--clock', 'daily'], { cwd: REPO_ROOT });
    if (run.code !== 0) throw new Error(`incentive simulate failed (exit ${run.code}): ${run.stderr.trim()}`);
    const line = /(\d+) daily ticks raised ([^)]*)\)/.exec(run.stderr);
    const clockEvents: Record<string, number> = {};
    for (const m of (line?.[2] ?? '').matchAll(/(\d+) ([a-z.]+)/g)) clockEvents[m[2]!] = Number(m[1]);
    const rewards = run.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((line, i) => {
        const parsed = parseRewardJson(line);
        if (!parsed.ok) throw new Error(`simulate output line ${i + 1}: ${parsed.error.message}`);
        return parsed.value;
      });
    return { rewards, clockEvents, ticks: Number(line?.[1] ?? 0) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
