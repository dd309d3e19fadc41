import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceUrls } from './services.js';

/** The repository root: the first ancestor of this file holding `pnpm-workspace.yaml`. */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

// A cold `up` downloads the Kafka jars and builds FerretDB; a warm one takes seconds.
const UP_TIMEOUT_MS = 20 * 60_000;
const QUICK_TIMEOUT_MS = 60_000;

function run(root: string, args: string[], captureStdout: boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // `up` may download jars and build FerretDB on a cold cache: its progress goes to our stderr
    // so the test run shows why it is slow rather than looking hung.
    const child = spawn('bash', [join(root, 'scripts/stack'), ...args], {
      cwd: root,
      stdio: ['ignore', captureStdout ? 'pipe' : 'inherit', 'inherit'],
      detached: true, // own process group, so a timeout can stop the script and its children
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }, timeoutMs);
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`scripts/stack ${args.join(' ')} exited with ${code ?? signal}${signal === 'SIGTERM' ? ` (timeout ${timeoutMs} ms?)` : ''}`));
    });
  });
}

export function parseStackEnv(text: string): Omit<ServiceUrls, 'source'> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(?:export\s+)?([A-Z_]+)=["']?([^"'\s]*)["']?\s*$/.exec(line.trim());
    if (m) vars.set(m[1]!, m[2]!);
  }
  const missing = ['KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL'].filter((k) => !vars.get(k));
  if (missing.length > 0) throw new Error(`scripts/stack env printed no ${missing.join(', ')}`);
  return { kafkaBrokers: vars.get('KAFKA_BROKERS')!, mongoUrl: vars.get('MONGO_URL')!, redisUrl: vars.get('REDIS_URL')! };
}

/**
 * Brings the native stack up (idempotent: a no-op when it already runs) and reads its URLs. The
 * stack is left running afterwards: it is shared by every package's test run and by developers;
 * `bash scripts/stack down` stops it.
 */
export async function startNativeStack(root: string): Promise<Omit<ServiceUrls, 'source'>> {
  if (!existsSync(join(root, 'scripts/stack'))) throw new Error(`${join(root, 'scripts/stack')} does not exist`);
  // `status` first: when everything answers there is nothing to start, and `up` would only queue
  // behind the stack's lock.
  const running = await run(root, ['status'], true, QUICK_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  if (!running) await run(root, ['up'], false, UP_TIMEOUT_MS);
  return parseStackEnv(await run(root, ['env'], true, QUICK_TIMEOUT_MS));
}
