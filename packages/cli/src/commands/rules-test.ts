import { join, resolve } from 'node:path';
import { runFixtures } from '@incentive/rules';
import type { EngineKind } from '@incentive/rules';
import type { CommandRunner } from '../cli-io.js';

const USAGE = 'usage: incentive rules test [dir] [--engine compiled|reference]   (default dir: rules)\n';

/**
 * `rules test [dir]`: runs the fixtures in dir/tests through the same pipeline as the worker (with
 * in-memory state and limits), prints a diff per failing fixture; exit 0 when all pass.
 */
export const run: CommandRunner = async (argv, io) => {
  let engine: EngineKind = 'compiled';
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--help' || a === '-h') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (a === '--engine' || a.startsWith('--engine=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'compiled' && v !== 'reference') {
        io.stderr.write(`--engine must be "compiled" or "reference", got ${JSON.stringify(v ?? '')}\n${USAGE}`);
        return 2;
      }
      engine = v;
    } else if (a.startsWith('-')) {
      io.stderr.write(`unknown option ${a}\n${USAGE}`);
      return 2;
    } else positional.push(a);
  }
  if (positional.length > 1) {
    io.stderr.write(USAGE);
    return 2;
  }
  const dirArg = positional[0] ?? 'rules';
  const dir = resolve(io.cwd, dirArg);
  const shown = dirArg.replace(/\/+$/, '') || '.';
  let report;
  try {
    report = await runFixtures(dir, { engine });
  } catch (err) {
    io.stderr.write(`cannot read rules directory ${dirArg}: ${(err as Error).message}\n`);
    return 2;
  }
  if (!report.ok) {
    for (const p of report.problems) io.stdout.write(`${join(shown, p.file)}:${p.pointer}: ${p.message}\n`);
    io.stderr.write(`rules do not lint (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}); run \`incentive rules lint ${dirArg}\`\n`);
    return 1;
  }
  for (const o of report.outcomes) {
    if (o.passed) continue;
    io.stdout.write(`FAIL ${join(shown, o.file)} › ${o.name}\n`);
    for (const line of o.diff) io.stdout.write(`  ${line}\n`);
  }
  const total = report.outcomes.length;
  io.stdout.write(`${report.failed === 0 ? 'OK' : 'FAILED'}: ${report.passed}/${total} fixtures passed (${engine} engine)\n`);
  return report.failed === 0 ? 0 : 1;
};
