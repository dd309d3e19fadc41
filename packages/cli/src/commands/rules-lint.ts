import { join, resolve } from 'node:path';
import { loadRuleset, lintRules } from '@incentive/rules';
import type { CommandRunner } from '../cli-io.js';

const USAGE = 'usage: incentive rules lint [dir]   (default dir: rules)\n';

/**
 * `rules lint [dir]`: every problem of the rule files and fixtures, one line each as
 * `file:pointer: message` (exit 1), or a one-line summary (exit 0).
 */
export const run: CommandRunner = async (argv, io) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const args = argv.filter((a) => !a.startsWith('-'));
  if (args.length > 1 || args.length !== argv.length) {
    io.stderr.write(USAGE);
    return 2;
  }
  const dirArg = args[0] ?? 'rules';
  const dir = resolve(io.cwd, dirArg);
  let problems;
  try {
    problems = await lintRules(dir);
  } catch (err) {
    io.stderr.write(`cannot read rules directory ${dirArg}: ${(err as Error).message}\n`);
    return 2;
  }
  const shown = dirArg.replace(/\/+$/, '') || '.';
  if (problems.length > 0) {
    for (const p of problems) io.stdout.write(`${join(shown, p.file)}:${p.pointer}: ${p.message}\n`);
    io.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${shown}\n`);
    return 1;
  }
  const loaded = await loadRuleset(dir);
  if (!loaded.ok) return 1; // unreachable: lintRules reported nothing
  const { ruleset } = loaded;
  const enabled = ruleset.rules.filter((r) => r.enabled).length;
  io.stdout.write(
    `${shown}: OK, ${ruleset.rules.length} rules (${enabled} enabled), ${ruleset.segments.length} segments, ${ruleset.tiers.length} tiers, version ${ruleset.version}\n`,
  );
  return 0;
};
