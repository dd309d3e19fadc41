import { afterEach, describe, expect, it } from 'vitest';
import { createOpsServer, readBody, sendJson, type OpsServer } from './ops-server.js';

const silent = { info: () => undefined, error: () => undefined };
let server: OpsServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(ready: boolean): Promise<string> {
  server = createOpsServer({
    port: 0,
    logger: silent,
    registry: { contentType: 'text/plain; version=0.0.4', metrics: async () => 'events_total 3\n' },
    liveness: async () => ({ ok: true, detail: { idleMs: 5 } }),
    readiness: async () => ({ ok: ready, detail: { redis: ready ? 'up' : 'down' } }),
    routes: [
      {
        method: 'POST',
        path: '/echo',
        handle: async (req, res) => sendJson(res, 200, { got: JSON.parse(await readBody(req)) as unknown }),
      },
    ],
  });
  await server.start();
  await server.start(); // idempotent
  return `http://127.0.0.1:${server.port()}`;
}

describe('createOpsServer', () => {
  it('answers liveness, readiness (503 when not ready), metrics and extra routes', async () => {
    const base = await start(false);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, idleMs: 5 });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ok: false, redis: 'down' });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toBe('events_total 3\n');
    const echo = await fetch(`${base}/echo`, { method: 'POST', body: '{"to":"x"}' });
    expect(await echo.json()).toEqual({ got: { to: 'x' } });
  });

  it('405 on a known path with another method, 404 elsewhere; stop is idempotent', async () => {
    const base = await start(true);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/echo`)).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    await server!.stop();
    await server!.stop();
    expect(server!.port()).toBe(0);
  });
});
