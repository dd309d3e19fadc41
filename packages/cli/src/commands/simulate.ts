import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { loadRuleset } from '@incentive/rules';
import type { CommandRunner } from '../cli-io.js';
import { createLineWriter, readLines } from '../simulate/line-io.js';
import { parseSimulateArgs, SIMULATE_USAGE } from '../simulate/parse-args.js';
import { runSimulation } from '../simulate/run-simulation.js';
import { formatSummary } from '../simulate/summary.js';

/** How many invalid lines are reported one by one before only the summary counts them. */
const MAX_REPORTED = 100;

export const run: CommandRunner = async (argv, io) => {
  const parsed = parseSimulateArgs(argv);
  if (!parsed.ok) {
    if (parsed.help) {
      io.stdout.write(SIMULATE_USAGE);
      return 0;
    }
    io.stderr.write(`simulate: ${parsed.message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  const args = parsed.args;
  const loaded = await loadRuleset(resolve(io.cwd, args.rulesDir));
  if (!loaded.ok) {
    for (const p of loaded.problems) io.stderr.write(`${p.file}:${p.pointer}: ${p.message}\n`);
    io.stderr.write(`simulate: rules in ${args.rulesDir} do not load (${loaded.problems.length} problem(s))\n`);
    return 1;
  }

  let input: NodeJS.ReadableStream;
  if (args.events === '-') {
    input = io.stdin;
  } else {
    const path = resolve(io.cwd, args.events);
    try {
      await access(path);
    } catch {
      io.stderr.write(`simulate: --events: cannot read ${args.events}\n`);
      return 2;
    }
    input = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  }

  let explainStream: NodeJS.WritableStream | undefined;
  if (args.explain === '-') explainStream = io.stderr;
  else if (args.explain !== null) {
    const { createWriteStream } = await import('node:fs');
    explainStream = createWriteStream(resolve(io.cwd, args.explain));
  }

  const progress = args.progress ?? io.stderr.isTTY === true;
  let reported = 0;
  const summary = await runSimulation(readLines(input as AsyncIterable<Buffer>), {
    ruleset: loaded.ruleset,
    engine: args.engine,
    clock: args.clock,
    rewards: createLineWriter(io.stdout),
    ...(explainStream ? { explain: createLineWriter(explainStream) } : {}),
    onRejected(lineNo, reason) {
      reported++;
      if (reported <= MAX_REPORTED) io.stderr.write(`line ${lineNo}: ${reason}\n`);
      else if (reported === MAX_REPORTED + 1) io.stderr.write(`(further rejected lines are only counted)\n`);
    },
    ...(progress
      ? {
          onProgress(s) {
            io.stderr.write(`\r${s.linesRead} lines, ${s.rewards} rewards`);
          },
        }
      : {}),
  });
  if (progress) io.stderr.write('\r\x1b[K');
  if (explainStream && explainStream !== io.stderr) {
    await new Promise<void>((done) => explainStream.end(done));
  }
  io.stderr.write(formatSummary(summary));
  return 0;
};
