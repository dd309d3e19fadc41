import { describe, expect, it } from 'vitest';
import { explainConditions } from './index.js';
import type { TopLevelCondition } from './index.js';

const winback: TopLevelCondition = {
  all: [
    { fact: 'customer', path: '$.segment', operator: 'equal', value: 'churned' },
    { fact: 'event', path: '$.data.days', operator: 'greaterThanInclusive', value: 90 },
    { any: [{ fact: 'customer', path: '$.tier', operator: 'in', value: ['gold', 'platinum'] }, { fact: 'calendar', path: '$.month', operator: 'equal', value: 12 }] },
  ],
};

describe('explainConditions', () => {
  it('reports every leaf with the value it saw and names the blocking ones', () => {
    const e = explainConditions(winback, { customer: { segment: 'loyal', tier: 'silver' }, event: { data: { days: 95 } }, calendar: { month: 3 } });
    expect(e.passed).toBe(false);
    expect(e.error).toBeUndefined();
    expect(e.blocking.map((b) => b.pointer)).toEqual(['/all/0', '/all/2/any/0', '/all/2/any/1']);
    expect(e.blocking[0]).toMatchObject({ kind: 'leaf', fact: 'customer', path: '$.segment', operator: 'equal', value: 'churned', factValue: 'loyal', passed: false });
    expect(e.tree).toMatchObject({ kind: 'all', passed: false, children: [{ passed: false }, { passed: true, factValue: 95 }, { kind: 'any', passed: false }] });
  });

  it('has no blocking nodes when the conditions hold', () => {
    const e = explainConditions(winback, { customer: { segment: 'churned', tier: 'gold' }, event: { data: { days: 90 } }, calendar: { month: 3 } });
    expect(e).toMatchObject({ passed: true, blocking: [] });
  });

  it('blames a not whose inner condition held, and shows fact-reference values', () => {
    const c: TopLevelCondition = {
      all: [
        { not: { fact: 'customer', path: '$.tier', operator: 'equal', value: 'gold' } },
        { fact: 'event', path: '$.data.amount', operator: 'greaterThan', value: { fact: 'customer', path: '$.avg' } },
      ],
    };
    const e = explainConditions(c, { customer: { tier: 'gold', avg: 50 }, event: { data: { amount: 20 } } });
    expect(e.blocking.map((b) => [b.kind, b.pointer])).toEqual([
      ['not', '/all/0'],
      ['leaf', '/all/1'],
    ]);
    expect(e.blocking[1]).toMatchObject({ value: 50, valueFrom: { fact: 'customer', path: '$.avg' }, factValue: 20 });
  });

  it('reports an evaluation error as json-rules-engine would reject, with the failing leaf', () => {
    const c: TopLevelCondition = { any: [{ fact: 'event', operator: 'equal', value: 1 }, { fact: 'customer', path: '$.tier', operator: 'in', value: { fact: 'customer', path: '$.n' } }] };
    const e = explainConditions(c, { event: 1, customer: { tier: 'gold', n: 4 } });
    expect(e.passed).toBe(false);
    expect(e.error).toMatch(/^\/any\/1: operator "in" needs an array or a string/);
    expect(e.blocking).toHaveLength(1);
    expect(e.blocking[0]).toMatchObject({ pointer: '/any/1', error: expect.stringMatching(/needs an array/) });
  });
});
