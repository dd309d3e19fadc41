import type { z } from 'zod';
import { EventValidationError, type EventValidationCode, type ParseResult, type ValidationIssue } from './errors.js';
import { INVALID, isPlainObject, type Fast } from './field.js';
import { MAX_EVENT_BYTES } from './primitives.js';

// Checks that run before zod: zod strips unknown keys and would never see a `__proto__` hidden in
// an extra field, and its messages for non-finite numbers or size do not say what went wrong.
// One walk over the value does all of them without cloning it.

const MAX_DEPTH = 32;

type Segment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

interface WalkFailure {
  code: EventValidationCode;
  issue: ValidationIssue;
}

/**
 * Upper bound of the UTF-8 JSON size of `value`, or a failure. A character costs at most 6 bytes
 * in JSON (`\u001f`), so the bound is cheap and exact sizing is only needed near the limit.
 */
function walk(value: unknown, stack: Segment[], depth: number): number | WalkFailure {
  switch (typeof value) {
    case 'string':
      return value.length * 6 + 2;
    case 'number':
      if (!Number.isFinite(value)) {
        return { code: 'schema', issue: { path: formatPath(stack), message: `must be a finite number (got ${String(value)})` } };
      }
      return 24;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (depth >= MAX_DEPTH) {
        return { code: 'too_large', issue: { path: formatPath(stack), message: `nesting deeper than ${MAX_DEPTH} levels` } };
      }
      let size = 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          stack.push(i);
          const r = walk(value[i], stack, depth + 1);
          stack.pop();
          if (typeof r !== 'number') return r;
          size += r + 1;
        }
        return size;
      }
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          stack.push(key);
          const path = formatPath(stack);
          stack.pop();
          return { code: 'forbidden_key', issue: { path, message: `key "${key}" is not allowed` } };
        }
        stack.push(key);
        const r = walk(obj[key], stack, depth + 1);
        stack.pop();
        if (typeof r !== 'number') return r;
        size += key.length * 6 + 4 + r;
      }
      return size;
    }
    default:
      // undefined is dropped by JSON.stringify; functions, symbols and bigints are left to the
      // schema (a declared field rejects them, an unknown one is stripped).
      return 0;
  }
}

/**
 * The fast pass of `walk`: same checks, no path bookkeeping. Returns the size bound, or -1 when
 * something is wrong (then `walk` runs again to say where).
 */
function scan(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return value.length * 6 + 2;
    case 'number':
      return Number.isFinite(value) ? 24 : -1;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (depth >= MAX_DEPTH) return -1;
      let size = 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const r = scan(value[i], depth + 1);
          if (r < 0) return -1;
          size += r + 1;
        }
        return size;
      }
      const obj = value as Record<string, unknown>;
      for (const key in obj) {
        if (!Object.hasOwn(obj, key)) continue;
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') return -1;
        const r = scan(obj[key], depth + 1);
        if (r < 0) return -1;
        size += key.length * 6 + 4 + r;
      }
      return size;
    }
    default:
      return 0;
  }
}

function fail<T>(code: EventValidationCode, issues: ValidationIssue[], cause?: unknown): ParseResult<T> {
  return { ok: false, error: new EventValidationError(code, issues, cause === undefined ? undefined : { cause }) };
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'NaN';
  return typeof input;
}

/** Message for issues the schemas do not word themselves (mostly wrong or missing types). */
const errorMap = (iss: z.core.$ZodRawIssue): string | undefined => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'is required';
    const expected = iss.expected === 'int' ? 'an integer' : iss.expected === 'array' || iss.expected === 'object' ? `an ${iss.expected}` : `a ${iss.expected}`;
    return `must be ${expected} (got ${describe(iss.input)})`;
  }
  if (iss.code === 'invalid_value') {
    return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
};

const parseOptions = { error: errorMap };

/** The two validators of one contract (see field.ts): the fast path and the zod reference. */
export interface Validator<T> {
  zod: z.ZodType<T>;
  fast: Fast<T>;
  /** `fast` for inputs without extra keys, returning the input itself; see Field.exact. */
  exact?: Fast<T>;
}

/** Chooses the validator for an input, or says why none applies. */
export type SchemaPicker<T> = (input: Record<string, unknown>) => Validator<T> | ValidationIssue;

/** Pick by a string tag field (`type` for events, `kind` for rewards) with a clear unknown-tag message. */
export function byDiscriminator<T>(key: string, schemas: Readonly<Record<string, Validator<T>>>): SchemaPicker<T> {
  const map = new Map<string, Validator<T>>(Object.entries(schemas));
  const known = [...map.keys()].join(', ');
  return (input) => {
    const tag = input[key];
    if (typeof tag !== 'string') return { path: key, message: tag === undefined ? 'is required' : `must be a string (got ${describe(tag)})` };
    return map.get(tag) ?? { path: key, message: `unknown ${key} "${tag.slice(0, 64)}"; expected one of ${known}` };
  };
}

/**
 * Validate `input` against the schema `pick` chooses. `json` says `input` is a fresh JSON.parse
 * result nobody else holds, of a text whose size was already checked: the value may then be
 * `input` itself, and an input the schema's exact validator accepts needs no guard walk.
 */
export function parseWith<T>(input: unknown, pick: SchemaPicker<T>, opts: { json?: boolean } = {}): ParseResult<T> {
  if (!isPlainObject(input)) return fail('schema', [{ path: '', message: `must be a JSON object (got ${describe(input)})` }]);

  if (opts.json === true) {
    // The common case: exactly the contract's fields, all valid. Anything else (extra keys, an
    // invalid or forbidden value, an unknown type) takes the guarded path below, which says what
    // is wrong or strips the extra keys; `exact` has modified nothing.
    const picked = pick(input);
    if ('exact' in picked && picked.exact !== undefined) {
      const value = picked.exact(input);
      if (value !== INVALID) return { ok: true, value };
    }
  }

  let bound = scan(input, 0);
  if (bound < 0) {
    const found = walk(input, [], 0);
    if (typeof found !== 'number') return fail(found.code, [found.issue]);
    bound = found;
  }
  if (opts.json !== true && bound > MAX_EVENT_BYTES) {
    let bytes: number;
    try {
      bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
    } catch (err) {
      return fail('schema', [{ path: '', message: `is not JSON-serialisable: ${(err as Error).message}` }], err);
    }
    if (bytes > MAX_EVENT_BYTES) return fail('too_large', [{ path: '', message: `is ${bytes} bytes as JSON, more than the ${MAX_EVENT_BYTES} allowed` }]);
  }

  const picked = pick(input);
  if (!('fast' in picked)) return fail('schema', [picked]);
  const value = picked.fast(input);
  if (value !== INVALID) return { ok: true, value };
  // Rejected: zod, the reference, says where and why (and decides, should the two ever disagree).
  const result = picked.zod.safeParse(input, parseOptions);
  if (result.success) return { ok: true, value: result.data };
  return fail(
    'schema',
    result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}

const FROM_JSON = { json: true };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function parseJsonWith<T>(text: string | Uint8Array, pick: SchemaPicker<T>): ParseResult<T> {
  let str: string;
  if (typeof text === 'string') {
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so only measure when the bound is exceeded.
    if (text.length > MAX_EVENT_BYTES || (text.length * 3 > MAX_EVENT_BYTES && Buffer.byteLength(text, 'utf8') > MAX_EVENT_BYTES)) {
      return fail('too_large', [{ path: '', message: `is ${Buffer.byteLength(text, 'utf8')} bytes, more than the ${MAX_EVENT_BYTES} allowed` }]);
    }
    str = text;
  } else {
    if (text.byteLength > MAX_EVENT_BYTES) {
      return fail('too_large', [{ path: '', message: `is ${text.byteLength} bytes, more than the ${MAX_EVENT_BYTES} allowed` }]);
    }
    try {
      str = decoder.decode(text);
    } catch (err) {
      return fail('invalid_json', [{ path: '', message: 'is not valid UTF-8' }], err);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(str);
  } catch (err) {
    return fail('invalid_json', [{ path: '', message: `is not valid JSON: ${(err as Error).message}` }], err);
  }
  return parseWith(value, pick, FROM_JSON);
}
