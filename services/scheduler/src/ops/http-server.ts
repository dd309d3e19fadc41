import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Probe {
  (): Promise<{ ok: boolean; detail: Record<string, unknown> }>;
}

export interface OpsServerDeps {
  port: number;
  registry: Registry;
  liveness: Probe;
  readiness: Probe;
  /** GET /state: lease, last tick, clock. */
  state(): Promise<Record<string, unknown>>;
  /** POST /advance {"to": "<RFC 3339>"}: manual clock only (absent = 404). */
  advance?: (to: Date) => Promise<unknown>;
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const MAX_BODY = 4096;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error(`body: larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** /healthz, /readyz, /metrics, /state and (manual clock) POST /advance. */
export function createOpsServer(deps: OpsServerDeps) {
  let server: Server | undefined;

  async function probe(p: Probe, res: ServerResponse): Promise<void> {
    try {
      const { ok, detail } = await p();
      json(res, ok ? 200 : 503, { ok, ...detail });
    } catch (err) {
      json(res, 503, { ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  async function advance(req: IncomingMessage, res: ServerResponse, run: (to: Date) => Promise<unknown>): Promise<void> {
    let to: Date;
    try {
      const body = JSON.parse(await readBody(req)) as { to?: unknown };
      if (typeof body?.to !== 'string' || Number.isNaN(Date.parse(body.to))) throw new Error('to: must be an RFC 3339 date-time string');
      to = new Date(body.to);
    } catch (err) {
      json(res, 400, { ok: false, error: err instanceof SyntaxError ? 'body: not JSON' : (err as Error).message });
      return;
    }
    try {
      json(res, 200, { ok: true, ...(await run(to)) as object });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      json(res, err instanceof RangeError ? 409 : 503, { ok: false, error: message });
    }
  }

  return {
    async start(): Promise<void> {
      if (server) return;
      const s = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'POST' && path === '/advance' && deps.advance) {
          void advance(req, res, deps.advance);
        } else if (req.method !== 'GET') {
          res.writeHead(405).end();
        } else if (path === '/healthz') {
          void probe(deps.liveness, res);
        } else if (path === '/readyz') {
          void probe(deps.readiness, res);
        } else if (path === '/state') {
          deps.state().then((st) => json(res, 200, st), (err: unknown) => json(res, 503, { error: (err as Error).message }));
        } else if (path === '/metrics') {
          deps.registry.metrics().then(
            (body) => {
              res.writeHead(200, { 'content-type': deps.registry.contentType });
              res.end(body);
            },
            (err: unknown) => {
              deps.logger.error({ err }, 'metrics rendering failed');
              res.writeHead(500).end();
            },
          );
        } else {
          res.writeHead(404).end();
        }
      });
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(deps.port, () => resolve());
      });
      deps.logger.info({ port: (s.address() as AddressInfo).port }, 'ops server listening');
    },
    port(): number {
      return server ? (server.address() as AddressInfo).port : 0;
    },
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
