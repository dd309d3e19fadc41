import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.FERRETDB_BIN ?? join(homedir(), '.cache/incentive/ferretdb-v1.24.2/ferretdb');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A FerretDB of the test's own (SQLite files in a temp dir, a free port) that the test can kill
 * and restart on the same port and data, to play a database outage without touching the shared stack.
 */
export async function startPrivateFerretDb() {
  const dir = mkdtempSync(join(tmpdir(), 'ferret-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function up(): Promise<void> {
    const proc = spawn(BIN, [`--handler=sqlite`, `--sqlite-url=file:${dir}/`, `--listen-addr=127.0.0.1:${port}`, '--telemetry=disable', '--log-level=error', '--debug-addr=-', `--state-dir=${dir}`], { stdio: 'ignore' });
    child = proc;
    const deadline = Date.now() + 20_000;
    while (!(await accepts(port))) {
      if (proc.exitCode !== null) throw new Error(`ferretdb exited with ${proc.exitCode}`);
      if (Date.now() > deadline) throw new Error('ferretdb did not accept connections within 20 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
  }

  await up();
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    /** Crash: SIGKILL, no goodbye to clients. */
    kill,
    restart: up,
    async stop(): Promise<void> {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
