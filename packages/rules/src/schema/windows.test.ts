import { describe, expect, it } from 'vitest';
import { parseWindow, windowStart } from './windows.js';

const at = Date.parse('2011-03-31T12:00:00Z');

describe('parseWindow', () => {
  it('accepts PnD, PnM, PnY and lifetime', () => {
    expect(parseWindow('P30D')).toEqual({ ok: true, window: { kind: 'sliding', n: 30, unit: 'D' } });
    expect(parseWindow('P1M')).toEqual({ ok: true, window: { kind: 'sliding', n: 1, unit: 'M' } });
    expect(parseWindow('P2Y')).toEqual({ ok: true, window: { kind: 'sliding', n: 2, unit: 'Y' } });
    expect(parseWindow('lifetime')).toEqual({ ok: true, window: { kind: 'lifetime' } });
  });

  it.each(['P1W', 'P0D', '30D', 'P1.5D', 'p1d', 'PT1H', 'P10000D', 'forever', ''])('rejects %j with the expected forms', (w) => {
    const r = parseWindow(w);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('"PnD", "PnM", "PnY"');
  });
});

describe('windowStart', () => {
  const start = (w: string, t = at) => {
    const r = parseWindow(w);
    if (!r.ok) throw new Error(r.message);
    return windowStart(r.window, t);
  };

  it('days are exact multiples of 24 h', () => {
    expect(new Date(start('P30D')).toISOString()).toBe('2011-03-01T12:00:00.000Z');
  });

  it('months are calendar months, clamped to the shorter month', () => {
    expect(new Date(start('P1M')).toISOString()).toBe('2011-02-28T12:00:00.000Z');
    expect(new Date(start('P13M')).toISOString()).toBe('2010-02-28T12:00:00.000Z');
    expect(new Date(start('P1M', Date.parse('2011-01-15T00:00:00Z'))).toISOString()).toBe('2010-12-15T00:00:00.000Z');
  });

  it('years are calendar years (Feb 29 -> Feb 28)', () => {
    expect(new Date(start('P1Y', Date.parse('2012-02-29T08:00:00Z'))).toISOString()).toBe('2011-02-28T08:00:00.000Z');
    expect(new Date(start('P2Y')).toISOString()).toBe('2009-03-31T12:00:00.000Z');
  });

  it('lifetime has no start', () => {
    expect(start('lifetime')).toBe(Number.NEGATIVE_INFINITY);
  });
});
