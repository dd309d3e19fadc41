// Condition paths are plain property paths (`$`, `$.a.b`, `$.a[0]`, `$.a["b c"]`), resolved without
// JSONPath evaluation: no wildcards, filters, slices or recursive descent. Both engines (compiled
// and json-rules-engine through its `pathResolver` option) read paths with this module, so a path
// means the same thing in both.

export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;
const INDEX = /^(0|[1-9][0-9]*)$/;
const QUOTED = /^("[^"\\]*"|'[^'\\]*')$/;

export type ParsedPath = { ok: true; segments: PathSegment[] } | { ok: false; message: string };

/** Parses `$.a.b[0]` into `['a', 'b', 0]`, or says why the path is not a plain path. */
export function parsePlainPath(path: string): ParsedPath {
  if (!path.startsWith('$')) return { ok: false, message: `path "${path}" must start with "$"` };
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      const m = IDENT.exec(path.slice(i + 1));
      if (!m) return { ok: false, message: `path "${path}": expected a property name at offset ${i + 1}` };
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (ch === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return { ok: false, message: `path "${path}": unclosed "["` };
      const inner = path.slice(i + 1, close);
      if (INDEX.test(inner)) segments.push(Number(inner));
      else if (QUOTED.test(inner)) segments.push(inner.slice(1, -1));
      else return { ok: false, message: `path "${path}": only [index] or ["name"] are allowed, got [${inner}]` };
      i = close + 1;
    } else {
      return { ok: false, message: `path "${path}": unexpected "${ch}" at offset ${i} (wildcards and filters are not supported)` };
    }
  }
  return { ok: true, segments };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * One step: `obj[key]` when `obj` is an object and the key is its own property. Written so the
 * common case costs a plain keyed load: a value that is not a function is known to be own (plain
 * objects and arrays inherit only methods, and `__proto__` is checked the slow way), so
 * `hasOwnProperty` runs only for function values and for `__proto__`.
 */
export function step(obj: unknown, key: PathSegment): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  if (key === '__proto__') return hasOwn.call(obj, key) ? (obj as Record<PathSegment, unknown>)[key] : undefined;
  const v = (obj as Record<PathSegment, unknown>)[key];
  return typeof v === 'function' && !hasOwn.call(obj, key) ? undefined : v;
}

/**
 * Reads parsed segments from a value: undefined as soon as a step is not an object or lacks the key.
 * Own properties only, so `$.constructor` or `$.a.toString` never reach the prototype (an array's
 * own `length` is readable). Facts are JSON-shaped data (plain objects and arrays).
 */
export function readPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let cur: unknown = value;
  for (let i = 0; i < segments.length; i++) {
    cur = step(cur, segments[i]!);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A reader specialised for the common short paths (one or two steps), which dominate rule files. */
export function compilePathReader(segments: readonly PathSegment[]): (value: unknown) => unknown {
  if (segments.length === 0) return (v) => v;
  if (segments.length === 1) {
    const a = segments[0]!;
    return (v) => step(v, a);
  }
  if (segments.length === 2) {
    const a = segments[0]!;
    const b = segments[1]!;
    return (v) => step(step(v, a), b);
  }
  const copy = segments.slice();
  return (v) => readPath(v, copy);
}

const parsedCache = new Map<string, readonly PathSegment[]>();

/**
 * json-rules-engine `pathResolver`: same semantics as the compiled readers. Throws on a path that is
 * not plain (json-rules-engine then rejects the run); compiled conditions refuse such paths up front.
 */
export function resolvePlainPath(value: unknown, path: string): unknown {
  let segments = parsedCache.get(path);
  if (!segments) {
    const parsed = parsePlainPath(path);
    if (!parsed.ok) throw new Error(parsed.message);
    segments = parsed.segments;
    if (parsedCache.size < 10_000) parsedCache.set(path, segments);
  }
  return readPath(value, segments);
}
