import { describe, expect, it } from 'vitest';
import { parseJsonWithPosition } from './parse-json.js';

describe('parseJsonWithPosition', () => {
  it('parses what JSON.parse parses', () => {
    const text = '{"a": [1, -2.5e3, true, false, null, "x\\u0041\\n"], "b": {}}';
    expect(parseJsonWithPosition(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('reports line and column of a syntax error', () => {
    expect(parseJsonWithPosition('[\n  { "id": "x",\n    "on": ["purchase"] oops\n]')).toEqual({
      ok: false,
      line: 3,
      column: 24,
      message: 'expected "," or "}", got "o"',
    });
  });

  it('rejects trailing commas, duplicate keys, prototype keys and trailing garbage', () => {
    expect(parseJsonWithPosition('[1,]')).toMatchObject({ ok: false, message: 'trailing comma before "]"' });
    expect(parseJsonWithPosition('{"a":1,\n"a":2}')).toMatchObject({ ok: false, line: 2, column: 1, message: 'duplicate key "a"' });
    expect(parseJsonWithPosition('{"__proto__": {}}')).toMatchObject({ ok: false, message: 'forbidden key "__proto__"' });
    expect(parseJsonWithPosition('{} {}')).toMatchObject({ ok: false, message: expect.stringContaining('after the end') });
    expect(parseJsonWithPosition('"abc')).toMatchObject({ ok: false, message: 'unterminated string' });
    expect(parseJsonWithPosition('')).toMatchObject({ ok: false, message: 'unexpected end of file' });
  });
});
