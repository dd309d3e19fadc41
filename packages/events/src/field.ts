import { z } from 'zod';

// Each contract field is declared once and yields two validators:
// - `zod`: the reference. It produces the error messages and the JSON Schema.
// - `fast`: plain closures (objects compiled to straight-line code) for the hot path; zod spends
//   most of its time dispatching checks, see bench/parse-event.ts. It returns the same stripped
//   value as zod, or INVALID, in which case the caller re-runs zod for the issues.
// field.test.ts fuzzes both over mutated events and requires the same verdict and value.

export const INVALID: unique symbol = Symbol('invalid');
export type Fast<T> = (v: unknown) => T | typeof INVALID;

export interface Field<Z extends z.ZodType> {
  zod: Z;
  fast: Fast<z.output<Z>>;
  /**
   * `fast` restricted to inputs without keys beyond the contract at any level (what a producer of
   * this schema version sends): returns the input itself, never a copy, and never modifies it.
   * INVALID otherwise, including for a valid input with extra keys: the caller then runs the guard
   * walk and `fast`, which strips them. Everything it accepts was checked field by field (declared
   * keys only, strings, finite numbers, bounded nesting), so an accepted input needs no walk for
   * forbidden keys, non-finite numbers or depth: on the JSON path that walk was a third of the cost
   * of validation.
   */
  exact: Fast<z.output<Z>>;
  optional: boolean;
}

function field<Z extends z.ZodType>(zod: Z, fast: Fast<z.output<Z>>, optional = false, exact: Fast<z.output<Z>> = fast): Field<Z> {
  return { zod, fast, exact, optional };
}

/** A string of `min`-`max` characters (UTF-16 units, as zod counts). */
export function str(min: number, max: number): Field<z.ZodString> {
  return field(
    z.string().min(min, { error: min === 1 ? 'must not be empty' : `must be at least ${min} characters` }).max(max, { error: `must be at most ${max} characters` }),
    (v) => (typeof v === 'string' && v.length >= min && v.length <= max ? v : INVALID),
  );
}

/** A string matching `pattern` (which must bound its own length), optionally with a semantic check. */
export function pattern(re: RegExp, message: string, refine?: { test: (s: string) => boolean; message: string }): Field<z.ZodString> {
  let zod = z.string().regex(re, { error: message });
  if (refine) zod = zod.refine(refine.test, { error: refine.message });
  return field(zod, (v) => (typeof v === 'string' && re.test(v) && (!refine || refine.test(v)) ? v : INVALID));
}

/** A string of `min`-`max` characters that also matches `re`. */
export function strMatching(min: number, max: number, re: RegExp, message: string): Field<z.ZodString> {
  const base = str(min, max);
  return field(base.zod.regex(re, { error: message }), (v) => (base.fast(v) !== INVALID && re.test(v as string) ? (v as string) : INVALID));
}

export function datetime(message: string): Field<z.ZodISODateTime> {
  const zod = z.iso.datetime({ offset: true, error: (iss) => (iss.code === 'invalid_format' ? message : undefined) });
  const re = zod._zod.pattern;
  return field(zod, (v) => (typeof v === 'string' && re.test(v) ? v : INVALID));
}

/** A finite number in [min, max] (max inclusive), optionally `> min` and with a semantic check. */
export function num(opts: {
  min: number;
  max: number;
  exclusiveMin?: boolean;
  int?: boolean;
  refine?: { test: (n: number) => boolean; message: string };
}): Field<z.ZodNumber> {
  const { min, max, exclusiveMin = false, int = false, refine } = opts;
  // zod's int check also rejects integers beyond 2^53 - 1 (as too_big / too_small).
  const intError = (iss: { code: string }) => (iss.code === 'invalid_type' ? 'must be an integer' : 'must be a safe integer (at most 2^53 - 1 in size)');
  let zod = int ? z.number().int({ error: intError }) : z.number();
  zod = exclusiveMin ? zod.gt(min, { error: `must be > ${min}` }) : zod.min(min, { error: `must be >= ${min}` });
  zod = zod.max(max, { error: `must be <= ${max}` });
  if (refine) zod = zod.refine(refine.test, { error: refine.message });
  return field(zod, (v) =>
    typeof v === 'number' &&
    (int ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
    (exclusiveMin ? v > min : v >= min) &&
    v <= max &&
    (!refine || refine.test(v))
      ? v
      : INVALID,
  );
}

export function literal<const L extends string>(value: L): Field<z.ZodLiteral<L>> {
  return field(z.literal(value), (v) => (v === value ? value : INVALID));
}

export function optional<Z extends z.ZodType>(f: Field<Z>): Field<z.ZodOptional<Z>> {
  const inner = f.fast;
  const innerExact = f.exact;
  type Out = z.output<z.ZodOptional<Z>> | typeof INVALID;
  return field(z.optional(f.zod), (v) => (v === undefined ? undefined : inner(v)) as Out, true, (v) => (v === undefined ? undefined : innerExact(v)) as Out);
}

export function array<Z extends z.ZodType>(item: Field<Z>, max: number, message: string): Field<z.ZodArray<Z>> {
  const inner = item.fast;
  const innerExact = item.exact;
  return field(
    z.array(item.zod).max(max, { error: message }),
    (v) => {
      if (!Array.isArray(v) || v.length > max) return INVALID;
      const out = new Array<z.output<Z>>(v.length);
      for (let i = 0; i < v.length; i++) {
        const r = inner(v[i]);
        if (r === INVALID) return INVALID;
        out[i] = r;
      }
      return out;
    },
    false,
    (v) => {
      if (!Array.isArray(v) || v.length > max) return INVALID;
      for (let i = 0; i < v.length; i++) if (innerExact(v[i]) === INVALID) return INVALID;
      return v as z.output<Z>[];
    },
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Any JSON object, kept as given (its keys were already walked by the guard). Its `exact` variant
 * cannot vouch for contents it does not know, so it always defers to the guarded path.
 */
export function record(): Field<z.ZodRecord<z.ZodString, z.ZodUnknown>> {
  return field(z.record(z.string(), z.unknown()), (v) => (isPlainObject(v) ? { ...v } : INVALID), false, () => INVALID);
}

type Shape = Record<string, Field<z.ZodType>>;
type ZodShape<S extends Shape> = { -readonly [K in keyof S]: S[K]['zod'] };

/** A cross-field rule: returns the issues (path relative to the object), none when fine. */
export type ObjectRule<T> = (value: T) => { path: string; message: string }[];

/** An object with the given fields; unknown keys are tolerated and stripped (zod's default). */
export function object<S extends Shape>(
  shape: S,
  rule?: ObjectRule<z.output<z.ZodObject<ZodShape<S>>>>,
): Field<z.ZodObject<ZodShape<S>>> {
  const zodShape = Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f.zod])) as ZodShape<S>;
  let zod = z.object(zodShape);
  if (rule) {
    zod = zod.check((ctx) => {
      for (const issue of rule(ctx.value)) ctx.issues.push({ code: 'custom', input: ctx.value, path: [issue.path], message: issue.message });
    });
  }
  type Out = z.output<z.ZodObject<ZodShape<S>>>;
  const fast = compileObject(shape, rule as ObjectRule<Record<string, unknown>> | undefined);
  return field(zod, fast as Fast<Out>, false, compileExactObject(shape, rule as ObjectRule<Record<string, unknown>> | undefined) as Fast<Out>);
}

/**
 * Generate the object validator as straight-line code, like zod's own JIT: one constant-key
 * property read and one call site per field keeps every access monomorphic. A generic loop over
 * the keys was half as fast (megamorphic keyed loads and calls). Keys are embedded with
 * JSON.stringify, which always yields a valid JS string literal; nothing else from outside enters
 * the source.
 */
function compileObject(shape: Shape, rule: ObjectRule<Record<string, unknown>> | undefined): Fast<Record<string, unknown>> {
  const keys = Object.keys(shape);
  const params = keys.map((_, i) => `f${i}`);
  const body = keys.map((key, i) => {
    const k = JSON.stringify(key);
    return shape[key]!.optional
      ? `r = v[${k}]; if (r !== undefined) { r = f${i}(r); if (r === INVALID) return INVALID; out[${k}] = r; } else if (${k} in v) out[${k}] = undefined;`
      : `r = f${i}(v[${k}]); if (r === INVALID) return INVALID; out[${k}] = r;`;
  });
  const source = [
    'return function fastObject(v) {',
    "  if (typeof v !== 'object' || v === null || Array.isArray(v)) return INVALID;",
    '  const out = {};',
    '  let r;',
    ...body.map((line) => `  ${line}`),
    '  if (rule !== undefined && rule(out).length > 0) return INVALID;',
    '  return out;',
    '};',
  ].join('\n');
  const factory = new Function('INVALID', 'rule', ...params, source) as (...args: unknown[]) => Fast<Record<string, unknown>>;
  return factory(INVALID, rule, ...keys.map((k) => shape[k]!.fast));
}

/**
 * The exact variant of {@link compileObject}: checks the declared fields in place and accepts the
 * input itself only when it has no other keys (`for...in` counts them: a JSON.parse result has no
 * inherited enumerable keys, and an own `__proto__` key counts as an extra one).
 */
function compileExactObject(shape: Shape, rule: ObjectRule<Record<string, unknown>> | undefined): Fast<Record<string, unknown>> {
  const keys = Object.keys(shape);
  const params = keys.map((_, i) => `f${i}`);
  const body = keys.map((key, i) => {
    const k = JSON.stringify(key);
    return shape[key]!.optional
      ? `x = v[${k}]; if (x !== undefined) { if (f${i}(x) === INVALID) return INVALID; n++; } else if (${k} in v) n++;`
      : `if (f${i}(v[${k}]) === INVALID) return INVALID; n++;`;
  });
  const source = [
    'return function exactObject(v) {',
    "  if (typeof v !== 'object' || v === null || Array.isArray(v)) return INVALID;",
    '  let x, n = 0;',
    ...body.map((line) => `  ${line}`),
    '  let m = 0;',
    '  for (const key in v) m++;',
    '  if (m !== n) return INVALID;',
    '  if (rule !== undefined && rule(v).length > 0) return INVALID;',
    '  return v;',
    '};',
  ].join('\n');
  const factory = new Function('INVALID', 'rule', ...params, source) as (...args: unknown[]) => Fast<Record<string, unknown>>;
  return factory(INVALID, rule, ...keys.map((k) => shape[k]!.exact));
}

/** Attach JSON Schema metadata (title, description, ...) to a field's zod schema. */
export function meta<Z extends z.ZodType>(f: Field<Z>, data: Record<string, unknown>): Field<Z> {
  return { zod: f.zod.meta(data) as Z, fast: f.fast, exact: f.exact, optional: f.optional };
}
