import { describe, expect, it } from 'vitest';
import { filesOf, rule, rulesetOf } from '../../test/support.js';
import type { LintProblem } from '../ruleset.js';
import { buildRuleset } from './build-ruleset.js';

function problemsOf(files: Map<string, string>): LintProblem[] {
  const r = buildRuleset(files);
  return r.ok ? [] : r.problems;
}

function problemsFor(rules: unknown, extra: Record<string, unknown> = {}): string[] {
  return problemsOf(filesOf(rules, extra)).map((p) => `${p.file}:${p.pointer}: ${p.message}`);
}

describe('buildRuleset: valid rules', () => {
  it('normalises a rule: defaults, single reward as a list, limits parsed', () => {
    const rs = rulesetOf([rule({ limits: { perCustomer: { count: 2, window: 'P1M' }, total: { count: 5 } } })]);
    const r = rs.rules[0]!;
    expect(r).toMatchObject({ id: 'r1', on: ['purchase'], priority: 0, enabled: true, group: null, activeFromMs: -Infinity, activeUntilMs: Infinity });
    expect(r.rewards).toEqual([{ kind: 'points', points: 10 }]);
    expect(r.limits).toEqual({
      perCustomer: { count: 2, window: { kind: 'sliding', n: 1, unit: 'M' }, windowText: 'P1M' },
      total: { count: 5, window: { kind: 'lifetime' }, windowText: 'lifetime' },
    });
    expect(r.source).toEqual({ file: 'incentives/main.json', pointer: '/0' });
  });

  it('reads date-only activeFrom/activeUntil as local midnight in the schedule time zone', () => {
    const utc = rulesetOf([rule({ activeFrom: '2026-07-01', activeUntil: '2026-08-01T00:00:00+02:00' })]).rules[0]!;
    expect(new Date(utc.activeFromMs).toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(new Date(utc.activeUntilMs).toISOString()).toBe('2026-07-31T22:00:00.000Z');
    const london = rulesetOf([rule({ activeFrom: '2026-07-01' })], { 'schedule.json': { timezone: 'Europe/London', inactivityDays: [] } }).rules[0]!;
    expect(new Date(london.activeFromMs).toISOString()).toBe('2026-06-30T23:00:00.000Z');
  });

  it('compiles segments into classifySegment: first match wins, else "regular"', () => {
    const rs = rulesetOf([rule()]);
    const classify = rs.factsConfig.classifySegment;
    expect(classify({ orders: 0 } as never)).toBe('new');
    expect(classify({ orders: 2 } as never)).toBe('potential');
    expect(classify({ orders: 3 } as never)).toBe('regular');
  });

  it('version is a content hash: same content in another layout gives the same version, any change a new one', () => {
    const a = buildRuleset(filesOf([rule()]));
    const b = buildRuleset(new Map([...filesOf([rule()])].map(([k, v]) => [k, JSON.stringify(JSON.parse(v), null, 2)])));
    const reordered = buildRuleset(filesOf([{ reward: { points: 10, kind: 'points' }, conditions: { all: [] }, on: ['purchase'], id: 'r1' }]));
    const c = buildRuleset(filesOf([rule({ priority: 1 })]));
    expect(a.ok && b.ok && c.ok && reordered.ok).toBe(true);
    if (a.ok && b.ok && c.ok && reordered.ok) {
      expect(a.ruleset.version).toMatch(/^[0-9a-f]{16}$/);
      expect(b.ruleset.version).toBe(a.ruleset.version);
      expect(reordered.ruleset.version).toBe(a.ruleset.version);
      expect(c.ruleset.version).not.toBe(a.ruleset.version);
    }
  });
});

describe('buildRuleset: problems (all of them, with file and JSON pointer)', () => {
  it('reports invalid JSON with line and column and keeps checking other files', () => {
    const files = filesOf([rule()], { 'incentives/bad.json': '[\n  {"id": "x",}\n]' });
    files.set('tiers.json', '[{"id": "bronze", "minSpend12m": 0}');
    expect(problemsOf(files)).toEqual([
      { file: 'tiers.json', pointer: '', message: 'invalid JSON at line 1, column 36: expected "," or "]", got end of file' },
      { file: 'incentives/bad.json', pointer: '', message: 'invalid JSON at line 2, column 14: trailing comma before "}"' },
    ]);
  });

  it('reports missing files', () => {
    const files = filesOf([rule()]);
    files.delete('segments.json');
    expect(problemsOf(files)).toEqual([{ file: 'segments.json', pointer: '', message: 'file is missing' }]);
  });

  it('reports many problems of one rule at once', () => {
    const problems = problemsFor([
      {
        id: 'Bad Id',
        on: ['purchse'],
        priorty: 1,
        conditions: { all: [{ fact: 'customer', path: '$.tierr', operator: 'equal', value: 1 }] },
        reward: { kind: 'points', points: 0 },
        limits: { perCustomer: { count: 1, window: 'P1W' } },
      },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'incentives/main.json:/0/id: must be 1-64 of a-z 0-9 . _ - starting with a letter or digit',
        'incentives/main.json:/0: Unrecognized key: "priorty"',
        'incentives/main.json:/0/limits/perCustomer/window: bad window "P1W": expected "PnD", "PnM", "PnY" (n from 1 to 9999) or "lifetime"',
        expect.stringMatching(/^incentives\/main\.json:\/0\/on\/0: unknown event type "purchse"/),
        expect.stringMatching(/^incentives\/main\.json:\/0\/conditions\/all\/0\/path: unknown path "\$\.tierr" for fact "customer"/),
        'incentives/main.json:/0/reward/points: must be >= 1',
      ]),
    );
  });

  it('checks condition facts, paths per event type, operators and value types', () => {
    const problems = problemsFor([
      rule({
        on: ['refund'],
        conditions: {
          any: [
            { fact: 'weather', operator: 'equal', value: 1 },
            { fact: 'event', path: '$.data.items[0].sku', operator: 'equal', value: 'x' },
            { fact: 'event', path: '$.data.amount', operator: 'equals', value: 1 },
            { fact: 'event', path: '$.data.amount', operator: 'greaterThan', value: '100' },
            { fact: 'customer', path: '$.tier', operator: 'greaterThan', value: 3 },
            { fact: 'customer', path: '$.segment', operator: 'in', value: ['potential', 'vip'] },
            { fact: 'calendar', path: '$.weekday', operator: 'in', value: 6 },
            { fact: 'calendar', path: '$..month', operator: 'equal', value: 1 },
            { fact: 'customer', path: '$.tier', operator: 'equal', value: { fact: 'customer', path: '$.nope' } },
            { condition: 'shared' },
            { all: [], any: [] },
          ],
        },
      }),
    ]);
    const at = (i: number, rest: string) => `incentives/main.json:/0/conditions/any/${i}${rest}`;
    expect(problems).toEqual([
      at(0, '/fact: unknown fact "weather" (known: event, customer, calendar)'),
      at(1, '/path: unknown path "$.data.items[0].sku" for event types refund'),
      expect.stringContaining(`${at(2, '/operator')}: unknown operator "equals"`),
      at(3, '/value: operator "greaterThan" compares numbers: value must be a number'),
      at(4, '/operator: operator "greaterThan" compares numbers but $.tier is a string'),
      at(5, '/value/1: unknown segment "vip" (known: regular, new, potential)'),
      at(6, '/value: operator "in" needs an array value'),
      expect.stringContaining(`${at(7, '/path')}: path "$..month"`),
      expect.stringContaining(`${at(8, '/value/path')}: unknown path "$.nope"`),
      at(9, '/condition: shared condition references are not supported; write the conditions inline'),
      at(10, ': a condition may hold only one of all/any/not, found all, any'),
    ]);
  });

  it('refuses operator and value types that cannot work: in/notIn against a fact reference, numbers against non-numbers, values of another type', () => {
    const ref = (path: string) => ({ fact: 'customer', path });
    const problems = problemsFor([
      rule({
        conditions: {
          any: [
            { fact: 'customer', path: '$.orders', operator: 'in', value: ref('$.tier') },
            { fact: 'customer', path: '$.tier', operator: 'notIn', value: ref('$.nextTier') },
            { fact: 'customer', path: '$.orders', operator: 'greaterThan', value: ref('$.tier') },
            { fact: 'customer', path: '$.tier', operator: 'lessThan', value: ref('$.orders') },
            { fact: 'customer', path: '$.orders', operator: 'in', value: ['1', 2] },
            { fact: 'event', path: '$.data.couponCodes', operator: 'in', value: ['XMAS'] },
            { fact: 'customer', path: '$.orders', operator: 'equal', value: '3' },
            { fact: 'customer', path: '$.tier', operator: 'equal', value: ref('$.orders') },
            { fact: 'customer', path: '$.segmentChanged', operator: 'notEqual', value: 'yes' },
          ],
        },
      }),
    ]);
    const at = (i: number, rest: string) => `incentives/main.json:/0/conditions/any/${i}${rest}`;
    expect(problems).toEqual([
      at(0, '/value: operator "in" needs a literal array value ("value": [...]); a fact reference ($.tier) can be missing, null or not a list when the rule runs, which makes the whole event fail to evaluate'),
      at(1, '/value: operator "notIn" needs a literal array value ("value": [...]); a fact reference ($.nextTier) can be missing, null or not a list when the rule runs, which makes the whole event fail to evaluate'),
      at(2, '/value: operator "greaterThan" compares numbers but the value $.tier is a string'),
      at(3, '/operator: operator "lessThan" compares numbers but $.tier is a string'),
      at(4, '/value/0: "1" is a string but $.orders is a number: it can never match'),
      at(5, '/operator: operator "in" looks for one value in the array, but $.data.couponCodes is a list: use "contains"/"doesNotContain"'),
      at(6, '/value: "3" is a string but $.orders is a number: they are never equal'),
      at(7, '/value: $.tier is a string but the value $.orders is a number: they are never equal'),
      at(8, '/value: "yes" is a string but $.segmentChanged is a boolean: they are never equal'),
    ]);
  });

  it('accepts well-typed comparisons, null against nullable facts, and fact references of the same type', () => {
    expect(
      problemsFor([
        rule({
          conditions: {
            all: [
              { fact: 'customer', path: '$.tier', operator: 'equal', value: null },
              { fact: 'customer', path: '$.orders', operator: 'in', value: [1, 2, null] },
              { fact: 'event', path: '$.data.amount', operator: 'greaterThan', value: { fact: 'customer', path: '$.spend12m' } },
              { fact: 'customer', path: '$.referrerId', operator: 'notEqual', value: { fact: 'event', path: '$.customerId' } },
              { fact: 'event', path: '$.occurredAt', operator: 'notEqual', value: { fact: 'customer', path: '$.lastPurchaseAt' } },
              { fact: 'event', path: '$.data.couponCodes', operator: 'contains', value: 'XMAS' },
            ],
          },
        }),
      ]),
    ).toEqual([]);
  });

  it('accepts event paths of any of the rule\'s event types', () => {
    expect(problemsFor([rule({ on: ['purchase', 'refund'], conditions: { all: [{ fact: 'event', path: '$.data.items[0].sku', operator: 'equal', value: 'x' }] } })])).toEqual([]);
  });

  it('requires all/any/not at the top of conditions', () => {
    expect(problemsFor([rule({ conditions: { fact: 'customer', path: '$.orders', operator: 'equal', value: 1 } })])).toEqual([
      'incentives/main.json:/0/conditions: conditions must be an object with "all", "any" or "not" at the top (use {"all": []} for "always")',
    ]);
  });

  it('refuses perUnit on a non-purchase rule and clawback on a non-refund rule', () => {
    expect(
      problemsFor([
        rule({ id: 'a', on: ['signup'], reward: { kind: 'points', perUnit: 1 } }),
        rule({ id: 'b', on: ['purchase'], reward: [{ kind: 'points', points: 1 }, { kind: 'clawback' }] }),
      ]),
    ).toEqual([
      'incentives/main.json:/0/reward/perUnit: perUnit points need a purchase amount: the rule must trigger on "purchase" only (on: signup)',
      'incentives/main.json:/1/reward/1/kind: clawback reverses points of a refunded order: the rule must trigger on "refund" only (on: purchase)',
    ]);
  });

  it('checks reward fields', () => {
    expect(
      problemsFor([
        rule({ id: 'a', reward: { kind: 'points', points: 5, perUnit: 1 } }),
        rule({ id: 'b', reward: { kind: 'points', points: 5, multiplier: 2 } }),
        rule({ id: 'c', reward: { kind: 'coupon', percentOff: 10, amountOff: 5, currency: 'GBP', validDays: 7 } }),
        rule({ id: 'd', reward: { kind: 'coupon', amountOff: 5, validDays: 0 } }),
        rule({ id: 'e', reward: { kind: 'gift', sku: 'x' } }),
        rule({ id: 'f', reward: { kind: 'cash', amount: 5 } }),
        rule({ id: 'g', reward: [] }),
      ]),
    ).toEqual([
      'incentives/main.json:/0/reward/points: exactly one of points (fixed) or perUnit (per unit of purchase amount) is required',
      'incentives/main.json:/1/reward/multiplier: multiplier only applies with perUnit',
      'incentives/main.json:/2/reward/percentOff: exactly one of percentOff or amountOff is required',
      'incentives/main.json:/3/reward/validDays: must be >= 1',
      'incentives/main.json:/3/reward/currency: is required with amountOff',
      'incentives/main.json:/4/reward/name: is required',
      'incentives/main.json:/5/reward/kind: kind must be one of points, coupon, gift, badge, clawback',
      'incentives/main.json:/6/reward: must hold at least one reward',
    ]);
  });

  it('checks message placeholders against the facts and the reward kind', () => {
    expect(
      problemsFor([
        rule({
          reward: [
            { kind: 'points', points: 5, message: 'now {{customer.tier}} {{customer.nam}} {{reward.sku}} {{event.data.orderId}} {{event.data.refereeId}}' },
            { kind: 'badge', badge: 'b', message: 'oops {{customer.tier' },
          ],
        }),
      ]),
    ).toEqual([
      'incentives/main.json:/0/reward/0/message: placeholder {{customer.nam}} names an unknown field of fact "customer"',
      'incentives/main.json:/0/reward/0/message: placeholder {{reward.sku}} names an unknown field of a points reward',
      'incentives/main.json:/0/reward/0/message: placeholder {{event.data.refereeId}} names an unknown field of event types purchase',
      'incentives/main.json:/0/reward/1/message: unbalanced "{{" or "}}" in message',
    ]);
  });

  it('refuses activeFrom >= activeUntil and impossible dates', () => {
    expect(
      problemsFor([
        rule({ id: 'a', activeFrom: '2026-05-01', activeUntil: '2026-05-01' }),
        rule({ id: 'b', activeFrom: '2026-02-30' }),
      ]),
    ).toEqual([
      'incentives/main.json:/0/activeUntil: activeUntil (2026-05-01) must be after activeFrom (2026-05-01)',
      'incentives/main.json:/1/activeFrom: must be a real date',
    ]);
  });

  it('refuses duplicate rule ids across files, naming the first', () => {
    expect(problemsFor([rule({ id: 'dup' })], { 'incentives/other.json': [rule({ id: 'dup' })] })).toEqual([
      'incentives/other.json:/0/id: duplicate rule id "dup" (first defined at incentives/main.json:/0)',
    ]);
  });

  it('refuses a budget without a points reward, and bad limit counts', () => {
    expect(
      problemsFor([
        rule({ id: 'a', reward: { kind: 'badge', badge: 'x' }, limits: { budget: { points: 100, window: 'P1M' } } }),
        rule({ id: 'b', limits: { total: { count: 0 } } }),
      ]),
    ).toEqual([
      'incentives/main.json:/0/limits/budget: a points budget needs a points reward in this rule',
      'incentives/main.json:/1/limits/total/count: must be >= 1',
    ]);
  });

  it('checks tiers, segments and schedule', () => {
    expect(
      problemsFor([rule({ conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'equal', value: 'gld' }] } })], {
        'tiers.json': [{ id: 'bronze', minSpend12m: 10 }, { id: 'silver', minSpend12m: 5 }, { id: 'silver', minSpend12m: 50 }],
        'segments.json': [
          { id: 'a', conditions: { all: [{ fact: 'event', path: '$.type', operator: 'equal', value: 'x' }] } },
          { id: 'regular', conditions: { all: [] } },
          { id: 'b', conditions: { all: [{ fact: 'customer', path: '$.segment', operator: 'equal', value: 'a' }] } },
        ],
        'schedule.json': { timezone: 'Mars/Olympus', inactivityDays: [30, 30] },
      }),
    ).toEqual([
      'schedule.json:/timezone: must be an IANA time zone such as "UTC" or "Europe/London"',
      'tiers.json:/1/minSpend12m: must be greater than the previous tier\'s 10 (tiers are listed ascending)',
      'tiers.json:/2/id: duplicate tier id "silver"',
      'tiers.json:/0/minSpend12m: the first tier must start at 0 so every customer has a tier',
      'segments.json:/1/id: "regular" is the fallback segment and cannot be defined',
      'segments.json:/0/conditions/all/0/fact: unknown fact "event" (known: customer)',
      'segments.json:/2/conditions/all/0/path: a segment cannot depend on the segment being computed (segment, segmentChanged)',
      'incentives/main.json:/0/conditions/all/0/value: unknown tier "gld" (known: bronze, silver)',
    ]);
  });
});
