import { EVENT_SCHEMAS, EVENT_TYPES } from '@incentive/events';
import { CUSTOMER_FACT_KINDS } from '@incentive/facts';
import type { Calendar, CustomerFacts } from '@incentive/facts';

// What rules may refer to: the three facts (`event`, `customer`, `calendar`) and their paths. Lint
// checks every condition path and message placeholder against these lists so that a typo is caught
// before it silently never matches.

export type FieldType = 'string' | 'number' | 'boolean' | 'timestamp' | 'any';
/** A field's type, an object's fields, or an array of items. */
export type FieldShape = FieldType | { readonly [name: string]: FieldShape } | readonly [FieldShape];

/**
 * Public customer facts (issue 3 §2), taken from @incentive/facts so that lint follows the reducer:
 * a fact added there is usable in rules at once. Nullable kinds lint as their base type.
 */
export const CUSTOMER_FACTS: Readonly<Record<keyof CustomerFacts, FieldType>> = Object.fromEntries(
  Object.entries(CUSTOMER_FACT_KINDS).map(([name, kind]) => [name, kind.replace('|null', '') as FieldType]),
) as Record<keyof CustomerFacts, FieldType>;

export const CALENDAR_FACTS: Readonly<Record<keyof Calendar, FieldType>> = {
  date: 'string',
  monthDay: 'string',
  weekday: 'number',
  month: 'number',
};

/** Event shapes derived from the event zod schemas, so lint follows the event contract. */
const EVENT_SHAPES: ReadonlyMap<string, FieldShape> = new Map(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, shapeOfZod(schema)]),
);

export const EVENT_TYPE_NAMES: readonly string[] = [...EVENT_TYPES];

export function eventShape(type: string): FieldShape | undefined {
  return EVENT_SHAPES.get(type);
}

interface ZodLike {
  _zod: { def: { type: string; shape?: Record<string, ZodLike>; innerType?: ZodLike; element?: ZodLike; in?: ZodLike } };
}

function shapeOfZod(schema: unknown): FieldShape {
  const def = (schema as ZodLike)._zod.def;
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, shapeOfZod(v)]));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return def.innerType ? shapeOfZod(def.innerType) : 'any';
    case 'pipe':
      return def.in ? shapeOfZod(def.in) : 'any';
    case 'array':
      return def.element ? [shapeOfZod(def.element)] : ['any'];
    case 'string':
    case 'literal':
    case 'enum':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'any';
  }
}

/** Union of several shapes (a rule triggered by several event types may read any of their fields). */
export function mergeShapes(shapes: readonly FieldShape[]): FieldShape | undefined {
  const [first, ...rest] = shapes;
  if (first === undefined) return undefined;
  return rest.reduce<FieldShape>((a, b) => mergeTwo(a, b), first);
}

function mergeTwo(a: FieldShape, b: FieldShape): FieldShape {
  if (typeof a === 'string' || typeof b === 'string') return a === b ? a : 'any';
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) ? [mergeTwo((a as readonly [FieldShape])[0], (b as readonly [FieldShape])[0])] : 'any';
  }
  const out: Record<string, FieldShape> = { ...(a as Record<string, FieldShape>) };
  for (const [k, v] of Object.entries(b as Record<string, FieldShape>)) out[k] = k in out ? mergeTwo(out[k] as FieldShape, v) : v;
  return out;
}

export const CONDITION_FACTS = ['event', 'customer', 'calendar'] as const;
export type ConditionFact = (typeof CONDITION_FACTS)[number];

/** Follows path segments through a shape; undefined when the path does not exist. */
export function resolveShape(shape: FieldShape, segments: readonly (string | number)[]): FieldShape | undefined {
  let cur: FieldShape = shape;
  for (const seg of segments) {
    if (typeof cur === 'string') return cur === 'any' ? 'any' : undefined;
    if (Array.isArray(cur)) {
      if (typeof seg !== 'number') return undefined;
      cur = (cur as readonly [FieldShape])[0];
      continue;
    }
    if (typeof seg !== 'string' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, FieldShape>)[seg] as FieldShape;
  }
  return cur;
}

export function describeShapeKeys(shape: FieldShape): string {
  if (typeof shape === 'string' || Array.isArray(shape)) return '';
  return Object.keys(shape).join(', ');
}
