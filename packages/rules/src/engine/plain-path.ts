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
 * Reads parsed segments from a value: undefined as soon as a step is not an object or lacks the key.
 * Own properties only, so `$.constructor` or `$.a.toString` never reach the prototype (an array's
 * own `length` is readable).
 */
export function readPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let cur: unknown = value;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (cur === null || typeof cur !== 'object' || !hasOwn.call(cur, seg)) return undefined;
    cur = (cur as Record<PathSegment, unknown>)[seg];
  }
  return cur;
}

/** A reader specialised for the common short paths (one or two steps), which dominate rule files. */
export function compilePathReader(segments: readonly PathSegment[]): (value: unknown) => unknown {
  if (segments.length === 0) return (v) => v;
  if (segments.length === 1) {
    const a = segments[0]!;
    return (v) => (v !== null && typeof v === 'object' && hasOwn.call(v, a) ? (v as Record<PathSegment, unknown>)[a] : undefined);
  }
  if (segments.length === 2) {
    const a = segments[0]!;
    const b = segments[1]!;
    return (v) => {
      if (v === null || typeof v !== 'object' || !hasOwn.call(v, a)) return undefined;
      const w = (v as Record<PathSegment, unknown>)[a];
      return w !== null && typeof w === 'object' && hasOwn.call(w, b) ? (w as Record<PathSegment, unknown>)[b] : undefined;
    };
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
