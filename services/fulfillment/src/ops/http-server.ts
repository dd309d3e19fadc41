import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type Probe = () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;

export interface OpsServerDeps {
  port: number;
  registry: Registry;
  liveness: Probe;
  readiness: Probe;
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** /healthz, /readyz, /metrics. `port` 0 picks a free port; `port()` tells which. */
export function createOpsServer(deps: OpsServerDeps) {
  let server: Server | undefined;

  async function probe(p: Probe, res: ServerResponse): Promise<void> {
    try {
      const { ok, detail } = await p();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, ...detail }));
    } catch (err) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }));
    }
  }

  return {
    async start(): Promise<void> {
      if (server) return;
      const s = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET') res.writeHead(405).end();
        else if (path === '/healthz') void probe(deps.liveness, res);
        else if (path === '/readyz') void probe(deps.readiness, res);
        else if (path === '/metrics') {
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
        } else res.writeHead(404).end();
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
