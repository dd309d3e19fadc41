// Explains a condition evaluation for `simulate --explain` and `rules test` diffs: every leaf is
// evaluated (no short-circuit) and reported with the value it saw; the overall verdict comes from
// the compiled predicate, so it is always the engine's answer.

import { parseConditions, type ConditionNode } from './condition-tree.js';
import { compileAccess, compileTree } from './compile-conditions.js';
import { applyOperator } from './operators.js';
import type { CompiledCondition, ConditionFacts, TopLevelCondition } from './types.js';

export interface LeafExplanation {
  kind: 'leaf';
  /** JSON pointer inside the rule's `conditions`, e.g. `/all/1`. */
  pointer: string;
  name?: string;
  fact: string;
  path?: string;
  operator: string;
  /** The literal value, or what the fact reference resolved to. */
  value: unknown;
  /** Present when `value` was a fact reference. */
  valueFrom?: { fact: string; path?: string };
  /** What the fact (and path) resolved to; undefined when missing. */
  factValue: unknown;
  passed: boolean;
  /** Set when the operator could not run on these values (json-rules-engine would reject). */
  error?: string;
}

export interface GroupExplanation {
  kind: 'all' | 'any';
  pointer: string;
  name?: string;
  passed: boolean;
  children: ConditionExplanation[];
}

export interface NotExplanation {
  kind: 'not';
  pointer: string;
  name?: string;
  passed: boolean;
  child: ConditionExplanation;
}

export type ConditionExplanation = LeafExplanation | GroupExplanation | NotExplanation;

export interface Explanation {
  /** The engine's verdict (false when it errors). */
  passed: boolean;
  /** Set when evaluation throws, as json-rules-engine would reject. */
  error?: string;
  tree: ConditionExplanation;
  /**
   * The smallest set of nodes that explain a failure: the failing leaves under a failed `all`, every
   * child of a failed `any`, a `not` whose inner condition held. Empty when passed.
   */
  blocking: ConditionExplanation[];
}

interface Prepared {
  tree: ConditionNode;
  test: CompiledCondition;
}

const cache = new WeakMap<object, Prepared>();

function prepare(conditions: TopLevelCondition): Prepared {
  let p = cache.get(conditions);
  if (!p) {
    const tree = parseConditions(conditions);
    p = { tree, test: compileTree(tree) };
    cache.set(conditions, p);
  }
  return p;
}

function explainNode(node: ConditionNode, facts: ConditionFacts): ConditionExplanation {
  const named = node.name === undefined ? {} : { name: node.name };
  switch (node.kind) {
    case 'leaf': {
      const factValue = compileAccess(node)(facts);
      const value = node.valueRef ? compileAccess(node.valueRef)(facts) : node.literal;
      const out: LeafExplanation = {
        kind: 'leaf',
        pointer: node.pointer,
        ...named,
        fact: node.fact,
        ...(node.path ? { path: node.path } : {}),
        operator: node.operator,
        value,
        ...(node.valueRef ? { valueFrom: { fact: node.valueRef.fact, ...(node.valueRef.path ? { path: node.valueRef.path } : {}) } } : {}),
        factValue,
        passed: false,
      };
      try {
        out.passed = applyOperator(node.operator, factValue, value, node.pointer);
      } catch (err) {
        out.error = (err as Error).message;
      }
      return out;
    }
    case 'not': {
      const child = explainNode(node.child, facts);
      return { kind: 'not', pointer: node.pointer, ...named, passed: !child.passed, child };
    }
    default: {
      const children = node.children.map((c) => explainNode(c, facts));
      const passed = node.kind === 'all' ? children.every((c) => c.passed) : children.length === 0 || children.some((c) => c.passed);
      return { kind: node.kind, pointer: node.pointer, ...named, passed, children };
    }
  }
}

function blockingOf(node: ConditionExplanation): ConditionExplanation[] {
  if (node.passed) return [];
  return node.kind === 'leaf' || node.kind === 'not' ? [node] : node.children.flatMap(blockingOf);
}

function erroredLeaves(node: ConditionExplanation): ConditionExplanation[] {
  if (node.kind === 'leaf') return node.error === undefined ? [] : [node];
  return node.kind === 'not' ? erroredLeaves(node.child) : node.children.flatMap(erroredLeaves);
}

/** Evaluates conditions against facts and says which leaves passed or failed and what they saw. */
export function explainConditions(conditions: TopLevelCondition, facts: ConditionFacts): Explanation {
  const { tree, test } = prepare(conditions);
  const explained = explainNode(tree, facts);
  let passed: boolean;
  let error: string | undefined;
  try {
    passed = test(facts);
  } catch (err) {
    passed = false;
    error = (err as Error).message;
  }
  return { passed, ...(error === undefined ? {} : { error }), tree: explained, blocking: passed ? [] : error !== undefined ? erroredLeaves(explained) : blockingOf(explained) };
}
