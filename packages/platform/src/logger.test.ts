import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('redacts personal data and keeps ids', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const logger = createLogger({ level: 'info', name: 'test', destination: out });
    logger.child({ customerId: 'c-1' }).info({ event: { data: { email: 'a@b.c', birthday: '1990-01-01' } }, email: 'x@y.z' }, 'event received');
    logger.flush();
    await new Promise((r) => setImmediate(r));
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec.customerId).toBe('c-1');
    expect(rec.email).toBe('[redacted]');
    expect(JSON.stringify(rec)).not.toContain('a@b.c');
    expect(JSON.stringify(rec)).not.toContain('1990-01-01');
    expect(rec.msg).toBe('event received');
  });
});
