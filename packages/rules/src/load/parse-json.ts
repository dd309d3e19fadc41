// A strict JSON parser that reports line:column for syntax errors and rejects duplicate keys
// (JSON.parse keeps the last one silently, which hides copy-paste mistakes in rule files) and
// prototype-polluting keys.

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseJsonWithPosition(text: string): JsonParseResult {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let i = 0;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const ws = (): void => {
    while (i < src.length) {
      const c = src[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const describe = (at: number): string => (at >= src.length ? 'end of file' : `"${src[at]}"`);

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= src.length) fail('unterminated string', start);
      const c = src[i] as string;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = src[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('bad escape in string');
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('control character in string (escape it)');
      out += c;
      i++;
    }
  };

  const parseNumber = (): number => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 400));
    if (!m) fail(`unexpected ${describe(i)}`);
    const text = (m as RegExpExecArray)[0];
    i += text.length;
    return Number(text);
  };

  const parseValue = (depth: number): unknown => {
    if (depth > 200) fail('nesting deeper than 200 levels');
    ws();
    const c = src[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (src[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (src[i] !== '"') fail(`expected a property name in double quotes, got ${describe(i)}`);
        const keyAt = i;
        const key = parseString();
        if (FORBIDDEN_KEYS.has(key)) fail(`forbidden key "${key}"`, keyAt);
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`duplicate key "${key}"`, keyAt);
        ws();
        if (src[i] !== ':') fail(`expected ":" after property name, got ${describe(i)}`);
        i++;
        obj[key] = parseValue(depth + 1);
        ws();
        if (src[i] === ',') {
          i++;
          ws();
          if (src[i] === '}') fail('trailing comma before "}"');
          continue;
        }
        if (src[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected "," or "}", got ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (src[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        ws();
        if (src[i] === ',') {
          i++;
          ws();
          if (src[i] === ']') fail('trailing comma before "]"');
          continue;
        }
        if (src[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected "," or "]", got ${describe(i)}`);
      }
    }
    if (c === '"') return parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (src.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    return fail(`unexpected ${describe(i)}`);
  };

  try {
    const value = parseValue(0);
    ws();
    if (i < src.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return { ok: true, value };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = lineColumn(src, err.offset);
    return { ok: false, line, column, message: err.message };
  }
}

function lineColumn(src: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < src.length; k++) {
    if (src[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
