import type { CustomerState } from './customer-state.js';
import { FactsInputError } from './errors.js';

const STRING_OR_NULL = ['signedUpAt', 'birthday', 'country', 'referrerId', 'firstPurchaseAt', 'lastPurchaseAt', 'tier'] as const;
const COUNTS = ['orders', 'refunds', 'totalMinor', 'windowMinor', 'streak', 'referrals'] as const;

function fail(field: string, reason: string): never {
  throw new FactsInputError(`state.${field}`, reason);
}

/**
 * Checks a stored state (e.g. JSON from Redis) before it is used, so a corrupt or foreign value fails
 * loudly with the field named instead of producing wrong facts. Returns the same object, typed.
 */
export function parseCustomerState(input: unknown): CustomerState {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('(root)', 'must be an object');
  const s = input as Record<string, unknown>;
  if (s.v !== 1) fail('v', `unsupported state version ${JSON.stringify(s.v)} (expected 1)`);
  if (typeof s.customerId !== 'string' || s.customerId === '') fail('customerId', 'must be a non-empty string');
  if (typeof s.asOfMs !== 'number' || !Number.isFinite(s.asOfMs)) fail('asOfMs', 'must be a finite number');
  for (const k of STRING_OR_NULL) if (s[k] !== null && typeof s[k] !== 'string') fail(k, 'must be a string or null');
  if (typeof s.segment !== 'string') fail('segment', 'must be a string');
  if (typeof s.referralCredited !== 'boolean') fail('referralCredited', 'must be a boolean');
  for (const k of COUNTS) {
    const n = s[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(k, 'must be a non-negative integer');
  }
  for (const k of ['lastPurchaseMs', 'streakWeek'] as const) {
    if (s[k] !== null && (typeof s[k] !== 'number' || !Number.isFinite(s[k]))) fail(k, 'must be a finite number or null');
  }
  if (!Array.isArray(s.window)) fail('window', 'must be an array of [epochMs, amountMinor]');
  let sum = 0;
  let prev = -Infinity;
  s.window.forEach((e: unknown, i) => {
    if (!Array.isArray(e) || e.length !== 2 || !Number.isFinite(e[0]) || !Number.isSafeInteger(e[1]) || (e[1] as number) < 0) {
      fail(`window[${i}]`, 'must be [epochMs, amountMinor >= 0]');
    }
    if ((e[0] as number) < prev) fail(`window[${i}]`, 'must be in ascending time order');
    prev = e[0] as number;
    sum += e[1] as number;
  });
  if (sum !== s.windowMinor) fail('windowMinor', `must equal the window sum ${sum}, got ${String(s.windowMinor)}`);
  return input as CustomerState;
}
