import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './repo.js';

export type ServiceName = 'rules-engine' | 'fulfillment' | 'scheduler';

export interface ServiceProcess {
  /** e.g. `scheduler#2` when several instances run. */
  label: string;
  child: ChildProcess;
  /** The port of its /healthz, /readyz, /metrics server. */
  httpPort: number;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** Set once it exited, so a waiting loop can fail fast. */
  exitedWith(): number | string | undefined;
  /** The last ~200 log lines (for error messages). */
  tail(): string;
  /** SIGTERM (graceful shutdown), SIGKILL after `timeoutMs`; resolves when it is gone. Idempotent. */
  stop(timeoutMs?: number): Promise<number | string>;
  /** SIGKILL at once: a crash, for restart tests. */
  kill(): Promise<number | string>;
}

/** A free TCP port on 127.0.0.1 (the services' HTTP servers need a known port for /readyz). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface SpawnServiceOptions {
  name: ServiceName;
  label?: string;
  /** The service's whole environment besides PATH/HOME (nothing leaks from this process). */
  env: Record<string, string>;
  /** Append prefixed log lines here (the demo); tests keep them in memory only. */
  log?: WriteStream;
}

/**
 * Runs a service's real entry point as a child process:
 * `node --conditions=source --import tsx services/<name>/src/main.ts`.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const label = options.label ?? options.name;
  const httpPort = options.env.HTTP_PORT ? Number(options.env.HTTP_PORT) : await freePort();
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(REPO_ROOT, 'services', options.name, 'src/main.ts')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HTTP_PORT: String(httpPort), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C in the demo's terminal reaches only the demo, which then stops its
    // children in order instead of all of them dying at once.
    detached: true,
  });
  const lines: string[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    options.log?.write(`[${label}] ${line}\n`);
  };
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  let exitValue: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitValue = code ?? signal ?? 'unknown';
      resolve(exitValue);
    });
    child.once('error', (err) => {
      onLine(`spawn failed: ${err.message}`);
      exitValue = 'spawn-error';
      resolve(exitValue);
    });
  });
  const signal = (sig: NodeJS.Signals): void => {
    if (exitValue === undefined) child.kill(sig);
  };
  let stopping: Promise<number | string> | undefined;
  return {
    label,
    child,
    httpPort,
    exited,
    exitedWith: () => exitValue,
    tail: () => lines.join('\n'),
    stop(timeoutMs = 30_000) {
      stopping ??= (async () => {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), timeoutMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
    kill() {
      signal('SIGKILL');
      return exited;
    },
  };
}

/** Polls GET /readyz until it answers 200; fails early with the log tail if the process exits. */
export async function waitReady(service: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const exit = service.exitedWith();
    if (exit !== undefined) throw new Error(`${service.label} exited (${exit}) before it was ready:\n${service.tail()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${service.httpPort}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `/readyz ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${service.label} not ready after ${timeoutMs} ms (${last}):\n${service.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
