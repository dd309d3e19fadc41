import { describe, expect, it } from 'vitest';
import { parsePlainPath, readPath, resolvePlainPath } from './index.js';

describe('plain paths', () => {
  it('parses dotted names, indexes and quoted names', () => {
    expect(parsePlainPath('$')).toEqual({ ok: true, segments: [] });
    expect(parsePlainPath('$.data.items[0].sku')).toEqual({ ok: true, segments: ['data', 'items', 0, 'sku'] });
    expect(parsePlainPath(`$["a b"]['c.d']`)).toEqual({ ok: true, segments: ['a b', 'c.d'] });
    expect(parsePlainPath('$.order-id')).toEqual({ ok: true, segments: ['order-id'] });
  });

  it('refuses JSONPath features with a reason', () => {
    for (const p of ['$..a', '$.a[*]', '$.a[-1]', '$.a[0:2]', '$.a[?(@.b)]', 'a.b', '$a', '$.a[0', '$.0']) {
      const r = parsePlainPath(p);
      expect(r.ok, p).toBe(false);
      if (!r.ok) expect(r.message).toContain(p);
    }
  });

  it('reads own properties only and stops at non-objects', () => {
    const v = { a: { b: [1, { c: 'x' }] }, s: 'str', n: null };
    expect(readPath(v, ['a', 'b', 1, 'c'])).toBe('x');
    expect(readPath(v, ['a', 'b', 'length'])).toBe(2);
    expect(readPath(v, ['s', 'length'])).toBeUndefined();
    expect(readPath(v, ['n', 'x'])).toBeUndefined();
    expect(readPath(v, ['toString'])).toBeUndefined();
    expect(readPath(v, ['a', 'constructor'])).toBeUndefined();
    expect(resolvePlainPath(v, '$.a.b[0]')).toBe(1);
    expect(() => resolvePlainPath(v, '$..b')).toThrow(/expected a property name/);
  });
});

describe('plain path steps', () => {
  it('never return inherited members, including __proto__, but do return own ones', () => {
    const own = JSON.parse('{"__proto__": {"x": 1}, "toString": "mine", "f": 2}') as Record<string, unknown>;
    expect(readPath(own, ['__proto__', 'x'])).toBe(1);
    expect(readPath(own, ['toString'])).toBe('mine');
    expect(readPath({}, ['__proto__'])).toBeUndefined();
    expect(readPath({ a: {} }, ['a', 'hasOwnProperty'])).toBeUndefined();
    expect(readPath([1, 2], ['map'])).toBeUndefined();
    const withFn = { fn: () => 1 };
    expect(readPath(withFn, ['fn'])).toBe(withFn.fn);
    expect(readPath({ a: undefined }, ['a', 'b'])).toBeUndefined();
  });
});
