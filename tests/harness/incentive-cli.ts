import { PassThrough, Writable } from 'node:stream';
import { runCli } from '@incentive/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Collects a stream into a string (the CLI's reward JSONL for a few weeks is a few MB at most). */
function sink(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/**
 * Runs `pnpm incentive <argv>` in this process, through the CLI's own entry point, so the demo and the
 * tests get exactly what an analyst gets from the command line.
 */
export async function runIncentive(argv: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliRun> {
  const out = sink();
  const err = sink();
  const stdin = new PassThrough();
  stdin.end();
  const code = await runCli(argv, { stdout: out.stream, stderr: err.stream, stdin, env: options.env ?? {}, cwd: options.cwd });
  return { code, stdout: out.text(), stderr: err.text() };
}
