import type { IncomingMessage, ServerResponse } from 'node:http';
import { createOpsServer as createPlatformOpsServer, readBody, sendJson, type OpsRoute, type OpsServer, type OpsServerDeps } from '@incentive/platform';

export interface SchedulerOpsDeps extends Omit<OpsServerDeps, 'routes'> {
  /** GET /state: lease, last tick, clock. */
  state(): Promise<Record<string, unknown>>;
  /** POST /advance {"to": "<RFC 3339>"}: manual clock only (absent = 404). */
  advance?: (to: Date) => Promise<unknown>;
}

async function advance(req: IncomingMessage, res: ServerResponse, run: (to: Date) => Promise<unknown>): Promise<void> {
  let to: Date;
  try {
    const body = JSON.parse(await readBody(req)) as { to?: unknown };
    if (typeof body?.to !== 'string' || Number.isNaN(Date.parse(body.to))) throw new Error('to: must be an RFC 3339 date-time string');
    to = new Date(body.to);
  } catch (err) {
    sendJson(res, 400, { ok: false, error: err instanceof SyntaxError ? 'body: not JSON' : (err as Error).message });
    return;
  }
  try {
    sendJson(res, 200, { ok: true, ...((await run(to)) as object) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    sendJson(res, err instanceof RangeError ? 409 : 503, { ok: false, error: message });
  }
}

/** The platform ops server (/healthz, /readyz, /metrics) plus GET /state and, with the manual clock, POST /advance. */
export function createOpsServer(deps: SchedulerOpsDeps): OpsServer {
  const routes: OpsRoute[] = [
    {
      method: 'GET',
      path: '/state',
      handle: async (_req, res) => {
        try {
          sendJson(res, 200, await deps.state());
        } catch (err) {
          sendJson(res, 503, { error: (err as Error).message });
        }
      },
    },
  ];
  const run = deps.advance;
  if (run) routes.push({ method: 'POST', path: '/advance', handle: (req, res) => advance(req, res, run) });
  return createPlatformOpsServer({ ...deps, routes });
}
