import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRewardJson, type IncentiveEvent, type Reward } from '@incentive/events';
import { runIncentive } from './incentive-cli.js';
import { REPO_ROOT } from './repo.js';
import { toJsonl } from './retail-slice.js';

/** What `pnpm incentive simulate --rules <dir> --events <slice> --clock daily` predicts, reward for reward, in order. */
export async function simulateRewards(rulesDir: string, events: readonly IncentiveEvent[]): Promise<Reward[]> {
  const dir = await mkdtemp(join(tmpdir(), 'incentive-simulate-'));
  try {
    const file = join(dir, 'events.jsonl');
    await writeFile(file, toJsonl(events));
    const run = await runIncentive(['simulate', '--rules', rulesDir, '--events', file, '--clock', 'daily'], { cwd: REPO_ROOT });
    if (run.code !== 0) throw new Error(`incentive simulate failed (exit ${run.code}): ${run.stderr.trim()}`);
    return run.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((line, i) => {
        const parsed = parseRewardJson(line);
        if (!parsed.ok) throw new Error(`simulate output line ${i + 1}: ${parsed.error.message}`);
        return parsed.value;
      });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
