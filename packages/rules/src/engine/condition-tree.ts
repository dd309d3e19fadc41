// Validates condition JSON into a small tree shared by the compiler and the explainer. What
// json-rules-engine refuses when a rule is added is refused here too, with a JSON pointer; a few
// things it would accept and then reject or ignore at run time are refused up front (unknown or
// decorated operators, named condition references, non-plain paths, a node with two of
// all/any/not, non-numeric priorities).

import { ConditionSyntaxError } from './errors.js';
import { isOperator, OPERATORS, type OperatorName } from './operators.js';
import { parsePlainPath, type PathSegment } from './plain-path.js';

export interface FactAccess {
  fact: string;
  /** The path as written ('' or undefined means the whole fact). */
  path: string | undefined;
  segments: readonly PathSegment[] | undefined;
}

export interface LeafNode extends FactAccess {
  kind: 'leaf';
  pointer: string;
  operator: OperatorName;
  /** Set when `value` is a literal. */
  literal: unknown;
  /** Set when `value` is a fact reference. */
  valueRef: FactAccess | undefined;
  /** json-rules-engine's grouping key: the raw `priority` when truthy, else 1 (no engine-level facts). */
  priorityKey: number;
  name: string | undefined;
}

export interface GroupNode {
  kind: 'all' | 'any';
  pointer: string;
  children: ConditionNode[];
  priorityKey: number;
  name: string | undefined;
}

export interface NotNode {
  kind: 'not';
  pointer: string;
  child: ConditionNode;
  priorityKey: number;
  name: string | undefined;
}

export type ConditionNode = LeafNode | GroupNode | NotNode;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function readPriority(node: Record<string, unknown>, pointer: string): number | undefined {
  if (!hasOwn(node, 'priority') || node.priority === undefined) return undefined;
  const p = node.priority;
  if (typeof p !== 'number' || !Number.isFinite(p)) {
    throw new ConditionSyntaxError(`${pointer}/priority`, `priority must be a number, got ${JSON.stringify(p)}`);
  }
  return p;
}

function readName(node: Record<string, unknown>, pointer: string): string | undefined {
  if (!hasOwn(node, 'name') || node.name === undefined) return undefined;
  if (typeof node.name !== 'string') throw new ConditionSyntaxError(`${pointer}/name`, 'name must be a string');
  return node.name;
}

function readFactAccess(node: Record<string, unknown>, pointer: string): FactAccess {
  const fact = node.fact;
  if (typeof fact !== 'string' || fact === '') {
    throw new ConditionSyntaxError(`${pointer}/fact`, 'fact must be a non-empty string');
  }
  const path = node.path;
  if (path === undefined || path === '') return { fact, path: path, segments: undefined };
  if (typeof path !== 'string') throw new ConditionSyntaxError(`${pointer}/path`, 'path must be a string');
  const parsed = parsePlainPath(path);
  if (!parsed.ok) throw new ConditionSyntaxError(`${pointer}/path`, parsed.message);
  return { fact, path, segments: parsed.segments };
}

function booleanKeys(node: Record<string, unknown>): ('all' | 'any' | 'not')[] {
  return (['all', 'any', 'not'] as const).filter((k) => hasOwn(node, k));
}

/** Parses a rule's `conditions` (root `all`, `any` or `not`). */
export function parseConditions(conditions: unknown): GroupNode | NotNode {
  if (!isObject(conditions) || booleanKeys(conditions).length === 0) {
    throw new ConditionSyntaxError('', 'conditions root must be an object with "all", "any" or "not"');
  }
  return parseNode(conditions, '') as GroupNode | NotNode;
}

export function parseNode(node: unknown, pointer: string): ConditionNode {
  if (!isObject(node)) throw new ConditionSyntaxError(pointer, 'a condition must be an object');
  const bools = booleanKeys(node);
  if (bools.length > 1) {
    throw new ConditionSyntaxError(pointer, `a condition has exactly one of "all", "any", "not"; found ${bools.join(', ')}`);
  }
  const name = readName(node, pointer);
  const priority = readPriority(node, pointer);
  const kind = bools[0];
  if (kind === 'all' || kind === 'any') {
    const list = node[kind];
    if (!Array.isArray(list)) throw new ConditionSyntaxError(`${pointer}/${kind}`, `"${kind}" must be an array`);
    return {
      kind,
      pointer,
      children: list.map((c, i) => parseNode(c, `${pointer}/${kind}/${i}`)),
      // Boolean conditions: `parseInt(priority, 10) || 1` (json-rules-engine condition.js).
      priorityKey: Number.parseInt(String(priority), 10) || 1,
      name,
    };
  }
  if (kind === 'not') {
    const child = node.not;
    if (Array.isArray(child)) throw new ConditionSyntaxError(`${pointer}/not`, '"not" takes one condition, not an array');
    return { kind, pointer, child: parseNode(child, `${pointer}/not`), priorityKey: Number.parseInt(String(priority), 10) || 1, name };
  }
  if (hasOwn(node, 'condition')) {
    throw new ConditionSyntaxError(`${pointer}/condition`, 'named condition references are not supported');
  }
  if (!hasOwn(node, 'operator')) throw new ConditionSyntaxError(`${pointer}/operator`, 'operator is required');
  if (!isOperator(node.operator)) {
    throw new ConditionSyntaxError(
      `${pointer}/operator`,
      `unknown operator ${JSON.stringify(node.operator)}; expected one of ${OPERATORS.join(', ')}`,
    );
  }
  if (!hasOwn(node, 'value')) throw new ConditionSyntaxError(`${pointer}/value`, 'value is required');
  const access = readFactAccess(node, pointer);
  const value = node.value;
  let valueRef: FactAccess | undefined;
  // json-rules-engine's almanac.getValue: any non-null object with an own `fact` key is a reference.
  if (value !== null && typeof value === 'object' && hasOwn(value, 'fact')) {
    valueRef = readFactAccess(value as Record<string, unknown>, `${pointer}/value`);
  }
  return {
    kind: 'leaf',
    pointer,
    ...access,
    operator: node.operator,
    literal: valueRef ? undefined : copyLiteral(value, `${pointer}/value`),
    valueRef,
    priorityKey: priority || 1,
    name,
  };
}

/**
 * A private copy of a literal value, made the way json-rules-engine's RuleResult copies conditions
 * before every run (the `clone` package): an object literal is never the very object found in the
 * facts, and keys that shadow an Object.prototype member (`toString`, `valueOf`, `constructor`, ...)
 * are dropped, exactly as `clone` drops them. Only JSON-shaped values are accepted.
 */
export function copyLiteral(value: unknown, pointer: string): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new ConditionSyntaxError(pointer, `value must be JSON data, got ${typeof value}`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const i in value) out[i as unknown as number] = copyLiteral(value[i as unknown as number], `${pointer}/${i}`);
    return out;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) throw new ConditionSyntaxError(pointer, 'value must be JSON data (a plain object)');
  const out = Object.create(proto) as Record<string, unknown>;
  for (const key in value) {
    if (key === '__proto__') throw new ConditionSyntaxError(`${pointer}/__proto__`, 'the key "__proto__" is not allowed');
    const shadowed = proto ? Object.getOwnPropertyDescriptor(proto, key) : undefined;
    if (shadowed && shadowed.set == null) continue;
    out[key] = copyLiteral((value as Record<string, unknown>)[key], `${pointer}/${key}`);
  }
  return out;
}

/**
 * Groups sibling conditions the way json-rules-engine's Rule#prioritizeConditions does: one set per
 * priority, highest first, insertion order inside a set. json-rules-engine evaluates every condition
 * of a set (Promise.all) and short-circuits only between sets, which decides whether a throwing
 * condition is reached.
 */
export function prioritySets<T extends { priorityKey: number }>(conditions: readonly T[]): T[][] {
  const sets: Record<string, T[]> = {};
  for (const c of conditions) (sets[c.priorityKey] ??= []).push(c);
  return Object.keys(sets)
    .sort((a, b) => (Number(a) > Number(b) ? -1 : 1))
    .map((k) => sets[k]!);
}
