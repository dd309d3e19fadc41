import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createShutdown } from './shutdown.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('createShutdown', () => {
  it('stops components in reverse registration order, once, and exits with 128+signal', async () => {
    const order: string[] = [];
    const exits: number[] = [];
    const signals = new EventEmitter();
    const sd = createShutdown({ logger: silent, timeoutMs: 1000, exit: (c) => exits.push(c), signals: signals as unknown as NodeJS.Process });
    sd.register('kafka', () => {
      order.push('kafka');
    });
    sd.register('http', async () => {
      order.push('http');
    });
    sd.installSignalHandlers();
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    const code = await sd.shutdown('again');
    expect(order).toEqual(['http', 'kafka']);
    expect(code).toBe(143);
    expect(exits).toEqual([143]);
  });

  it('bounds the shutdown by the timeout and reports failure', async () => {
    const exits: number[] = [];
    const sd = createShutdown({ logger: silent, timeoutMs: 50, exit: (c) => exits.push(c) });
    sd.register('stuck', () => new Promise<void>(() => undefined));
    expect(await sd.shutdown('test')).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('keeps stopping the rest when one handler throws', async () => {
    const stopped: string[] = [];
    const sd = createShutdown({ logger: silent, timeoutMs: 1000, exit: () => undefined });
    sd.register('a', () => {
      stopped.push('a');
    });
    sd.register('b', () => {
      throw new Error('boom');
    });
    expect(await sd.shutdown('test')).toBe(1);
    expect(stopped).toEqual(['a']);
  });
});
