import type { CustomerState, WindowDay } from './customer-state.js';
import { FactsInputError } from './errors.js';
import { DAY_MS } from './time.js';

const STRING_OR_NULL = ['signedUpAt', 'birthday', 'country', 'referrerId', 'firstPurchaseAt', 'lastPurchaseAt', 'tier'] as const;
const COUNTS = ['orders', 'refunds', 'totalMinor', 'windowMinor', 'windowOrders', 'streak', 'referrals'] as const;

function fail(field: string, reason: string): never {
  throw new FactsInputError(`state.${field}`, reason);
}

/** Version 1 kept one `[epochMs, amountMinor]` entry per purchase: sums them per UTC day. */
function windowFromV1(s: Record<string, unknown>): WindowDay[] {
  if (!Array.isArray(s.window)) fail('window', 'must be an array of [epochMs, amountMinor]');
  const days: [number, number, number][] = [];
  let prev = -Infinity;
  s.window.forEach((e: unknown, i) => {
    if (!Array.isArray(e) || e.length !== 2 || !Number.isFinite(e[0]) || !Number.isSafeInteger(e[1]) || (e[1] as number) < 0) {
      fail(`window[${i}]`, 'must be [epochMs, amountMinor >= 0]');
    }
    if ((e[0] as number) < prev) fail(`window[${i}]`, 'must be in ascending time order');
    prev = e[0] as number;
    const day = Math.floor(prev / DAY_MS);
    const last = days[days.length - 1];
    if (last !== undefined && last[0] === day) {
      last[1] += e[1] as number;
      last[2] += 1;
    } else {
      days.push([day, e[1] as number, 1]);
    }
  });
  return days;
}

/**
 * Checks a stored state (e.g. JSON from Redis) before it is used, so a corrupt or foreign value fails
 * loudly with the field named instead of producing wrong facts. Returns the same object, typed, or
 * for a state of version 1 an upgraded copy.
 */
export function parseCustomerState(input: unknown): CustomerState {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('(root)', 'must be an object');
  let s = input as Record<string, unknown>;
  if (s.v === 1) {
    const window = windowFromV1(s);
    s = { ...s, v: 2, window, windowOrders: window.reduce((n, d) => n + d[2], 0) };
  }
  if (s.v !== 2) fail('v', `unsupported state version ${JSON.stringify(s.v)} (expected 2, or 1 to upgrade)`);
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
  if (!Array.isArray(s.window)) fail('window', 'must be an array of [day, amountMinor, orders]');
  let minor = 0;
  let orders = 0;
  let prev = -Infinity;
  s.window.forEach((e: unknown, i) => {
    if (!Array.isArray(e) || e.length !== 3 || !e.every((x) => Number.isSafeInteger(x)) || (e[1] as number) < 0 || (e[2] as number) < 1) {
      fail(`window[${i}]`, 'must be [day, amountMinor >= 0, orders >= 1] (integers)');
    }
    if ((e[0] as number) <= prev) fail(`window[${i}]`, 'days must be strictly ascending');
    prev = e[0] as number;
    minor += e[1] as number;
    orders += e[2] as number;
  });
  if (minor !== s.windowMinor) fail('windowMinor', `must equal the window sum ${minor}, got ${String(s.windowMinor)}`);
  if (orders !== s.windowOrders) fail('windowOrders', `must equal the window's order count ${orders}, got ${String(s.windowOrders)}`);
  return s as unknown as CustomerState;
}
