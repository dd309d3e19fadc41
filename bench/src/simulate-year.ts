// `incentive simulate` over the whole Online Retail year with --clock daily: wall time in-process
// (best of 3) and as a fresh process (`pnpm incentive`-equivalent, includes startup), plus the same
// run on json-rules-engine (--engine reference) in this run as the baseline, with a check that both
// engines produce byte-identical reward output.
//
//   pnpm --filter @incentive/bench simulate-year [-- --events FILE --csv FILE --no-reference]

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli } from '@incentive/cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// `pnpm --filter @incentive/bench simulate-year -- --flag` passes the `--` through; parseArgs would
// take it as the end of options.
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
  options: {
    events: { type: 'string', default: '/tmp/incentive-bench/online-retail.jsonl' },
    csv: { type: 'string', default: resolve(ROOT, '../shared/data/online-retail/online-retail.csv.gz') },
    rules: { type: 'string', default: resolve(ROOT, 'rules') },
    'no-reference': { type: 'boolean', default: false },
  },
});
const out = (s = ''): void => void process.stdout.write(`${s}\n`);

function sink(): { stream: Writable; result: () => { lines: number; sha256: string; text: string } } {
  const hash = createHash('sha256');
  let lines = 0;
  let keep = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      for (const b of chunk) if (b === 10) lines++;
      if (keep.length < 1_000_000) keep += chunk.toString('utf8');
      done();
    },
  });
  return { stream, result: () => ({ lines, sha256: hash.digest('hex'), text: keep }) };
}

async function inProcess(argv: string[]): Promise<{ ms: number; cpuMs: number; code: number; rewards: number; sha256: string; stderr: string }> {
  const o = sink();
  const e = sink();
  const stdin = new PassThrough();
  stdin.end();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const code = await runCli(argv, { stdout: o.stream, stderr: e.stream, stdin, env: {}, cwd: ROOT });
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  const r = o.result();
  // CPU time (user + system, all threads incl. GC) is less distorted by other load than wall time.
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, code, rewards: r.lines, sha256: r.sha256, stderr: e.result().text };
}

if (!existsSync(values.events)) {
  mkdirSync(dirname(values.events), { recursive: true });
  out(`# importing ${values.csv} -> ${values.events}`);
  const r = await inProcess(['import', 'online-retail', values.csv, '--out', values.events]);
  if (r.code !== 0) throw new Error(`import failed (exit ${r.code}): ${r.stderr}`);
}

const args = ['simulate', '--rules', values.rules, '--events', values.events, '--clock', 'daily', '--no-progress'];
out(`# simulate over the Online Retail year — ${new Date().toISOString()}, node ${process.version}`);
out(`# ${args.join(' ')}`);

const runs = [];
for (let i = 0; i < 3; i++) runs.push(await inProcess(args));
const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
if (best.code !== 0) throw new Error(`simulate failed: ${best.stderr}`);
out(best.stderr.trimEnd());
out();
out(
  `in-process (compiled): wall ${runs.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(', ')} -> best ${(best.ms / 1000).toFixed(2)} s ` +
    `(CPU ${(best.cpuMs / 1000).toFixed(2)} s, load average ${loadavg()[0]?.toFixed(1)}), ${best.rewards} rewards`,
);

// Through bash's `time` so that the child's CPU time (user + sys) is reported next to its wall time.
const t0 = performance.now();
const child = spawnSync(
  'bash',
  ['-c', 'TIMEFORMAT="cpu %U %S"; time "$@"', 'bash', process.execPath, '--conditions=source', '--import', 'tsx', resolve(ROOT, 'packages/cli/src/main.ts'), ...args],
  { cwd: ROOT, maxBuffer: 1 << 30, encoding: 'buffer' },
);
const childMs = performance.now() - t0;
const cpuLine = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(child.stderr.toString('utf8'));
const childCpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : NaN;
const childSha = createHash('sha256').update(child.stdout).digest('hex');
out(
  `fresh process (node + tsx transpile + cold JIT + run): wall ${(childMs / 1000).toFixed(2)} s, CPU ${childCpu.toFixed(2)} s, ` +
    `exit ${child.status}, output ${childSha === best.sha256 ? 'identical' : 'DIFFERENT'}`,
);

if (!values['no-reference']) {
  const ref = await inProcess([...args, '--engine', 'reference']);
  out(
    `json-rules-engine (--engine reference): wall ${(ref.ms / 1000).toFixed(2)} s, CPU ${(ref.cpuMs / 1000).toFixed(2)} s -> compiled is ${(ref.cpuMs / best.cpuMs).toFixed(1)}x faster in CPU time; ` +
      `reward output ${ref.sha256 === best.sha256 ? 'byte-identical' : 'DIFFERENT'} (${ref.rewards} vs ${best.rewards} rewards)`,
  );
}
out(
  `target: simulate over the year with --clock daily < 3 s -> ${(best.ms / 1000).toFixed(2)} s wall (${(best.cpuMs / 1000).toFixed(2)} s CPU) in-process, ` +
    `${(childMs / 1000).toFixed(2)} s wall (${childCpu.toFixed(2)} s CPU) as a fresh process`,
);
