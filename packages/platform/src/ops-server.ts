import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A health check: `ok` picks 200 or 503, `detail` goes into the JSON body for operators. */
export type Probe = () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;

/** What /metrics needs of a prom-client Registry. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** A service-specific endpoint beside the standard three (e.g. the scheduler's POST /advance). */
export interface OpsRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface OpsServerDeps {
  /** 0 picks a free port; `port()` tells which. */
  port: number;
  registry: MetricsSource;
  liveness: Probe;
  readiness: Probe;
  routes?: OpsRoute[];
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface OpsServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  port(): number;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Reads a small request body; larger bodies are refused rather than buffered. */
export async function readBody(req: IncomingMessage, maxBytes = 4096): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`body: larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The operations endpoint every service runs: /healthz, /readyz, /metrics, plus its own routes. */
export function createOpsServer(deps: OpsServerDeps): OpsServer {
  let server: Server | undefined;

  async function probe(p: Probe, res: ServerResponse): Promise<void> {
    try {
      const { ok, detail } = await p();
      sendJson(res, ok ? 200 : 503, { ok, ...detail });
    } catch (err) {
      sendJson(res, 503, { ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  async function metrics(res: ServerResponse): Promise<void> {
    try {
      const body = await deps.registry.metrics();
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      res.end(body);
    } catch (err) {
      deps.logger.error({ err }, 'metrics rendering failed');
      res.writeHead(500).end();
    }
  }

  const standard: OpsRoute[] = [
    { method: 'GET', path: '/healthz', handle: (_req, res) => probe(deps.liveness, res) },
    { method: 'GET', path: '/readyz', handle: (_req, res) => probe(deps.readiness, res) },
    { method: 'GET', path: '/metrics', handle: (_req, res) => metrics(res) },
  ];
  const routes = [...standard, ...(deps.routes ?? [])];

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const onPath = routes.filter((r) => r.path === path);
    const route = onPath.find((r) => r.method === req.method);
    if (route) {
      route.handle(req, res).catch((err: unknown) => {
        deps.logger.error({ err, path }, 'ops route failed');
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal error' });
      });
    } else {
      res.writeHead(onPath.length > 0 ? 405 : 404).end();
    }
  }

  return {
    async start() {
      if (server) return;
      const s = createServer(dispatch);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(deps.port, () => resolve());
      });
      deps.logger.info({ port: (s.address() as AddressInfo).port }, 'ops server listening');
    },
    port() {
      return server ? (server.address() as AddressInfo).port : 0;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
