import { describe, expect, it } from 'vitest';
import { parseReward, parseRewardJson } from './reward.js';

const base = {
  rewardId: 'rw:welcome:e1:0',
  ruleId: 'welcome',
  rulesetVersion: 'sha256:abc',
  customerId: 'c-1',
  sourceEventId: 'e1',
  issuedAt: '2026-01-01T10:00:00+01:00',
};

function rejection(input: unknown): { code: string; path: string; message: string } {
  const r = parseReward(input);
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.value)}`);
  return { code: r.error.code, path: r.error.issues[0]!.path, message: r.error.message };
}

describe('parseReward', () => {
  it.each([
    { ...base, kind: 'points', points: 120, orderId: 'o1', orderAmount: 12.5 },
    { ...base, kind: 'coupon', percentOff: 20, validDays: 14, expiresAt: '2026-01-15T10:00:00+01:00' },
    { ...base, kind: 'coupon', amountOff: 5, currency: 'GBP', minSpend: 30, validDays: 7, codePrefix: 'WELCOME' },
    { ...base, kind: 'gift', sku: 'MYSTERY-BOX', name: 'Mystery box' },
    { ...base, kind: 'badge', badge: 'streak-3w', message: 'Three weeks in a row!' },
    { ...base, kind: 'clawback', orderId: 'o1', amount: 12.5, currency: 'GBP' },
  ])('accepts a valid $kind reward', (input) => {
    const r = parseReward(input);
    expect(r.ok && r.value).toEqual(input);
  });

  it('strips unknown fields', () => {
    const r = parseReward({ ...base, kind: 'badge', badge: 'b', futureField: 1 });
    expect(r.ok && 'futureField' in r.value).toBe(false);
  });

  it.each([
    [{ ...base, kind: 'points', points: 0 }, 'points', 'must be >= 1'],
    [{ ...base, kind: 'points', points: 2.5 }, 'points', 'must be an integer'],
    [{ ...base, kind: 'points', points: 2 ** 60 }, 'points', 'must be a safe integer'],
    [{ ...base, kind: 'points', points: 5, orderAmount: 1.234 }, 'orderAmount', 'at most 2 decimals'],
    [{ ...base, kind: 'coupon', validDays: 3 }, 'percentOff', 'exactly one of percentOff or amountOff'],
    [{ ...base, kind: 'coupon', percentOff: 10, amountOff: 5, currency: 'GBP', validDays: 3 }, 'percentOff', 'exactly one of'],
    [{ ...base, kind: 'coupon', amountOff: 5, validDays: 3 }, 'currency', 'is required with amountOff'],
    [{ ...base, kind: 'coupon', percentOff: 120, validDays: 3 }, 'percentOff', 'must be <= 100'],
    [{ ...base, kind: 'gift', sku: 'X' }, 'name', 'is required'],
    [{ ...base, kind: 'clawback', orderId: 'o1', amount: 5, currency: 'gbp' }, 'currency', 'ISO 4217'],
    [{ ...base, kind: 'cashback', amount: 5 }, 'kind', 'unknown kind "cashback"'],
    [{ ...base, kind: 'badge', badge: 'b', issuedAt: '2026-01-01 10:00:00' }, 'issuedAt', 'RFC 3339'],
    [{ ...base, kind: 'badge', badge: 'b', customerId: 'a b' }, 'customerId', 'must match'],
  ])('rejects %j at %s', (input, path, reason) => {
    const r = rejection(input);
    expect(r.code).toBe('schema');
    expect(r.path).toBe(path);
    expect(r.message).toContain(`${path}: `);
    expect(r.message).toContain(reason);
  });

  it('parses JSON text and bytes', () => {
    const json = JSON.stringify({ ...base, kind: 'badge', badge: 'b' });
    expect(parseRewardJson(json).ok).toBe(true);
    expect(parseRewardJson(new TextEncoder().encode(json)).ok).toBe(true);
    const bad = parseRewardJson('{"kind":');
    expect(!bad.ok && bad.error.code).toBe('invalid_json');
  });
});
