import type { CustomerFacts, CustomerState, WindowDay } from './customer-state.js';
import { FactsInputError } from './errors.js';
import { boundedEventId } from './event-id.js';
import type { IncentiveEvent, ReferralCreditedEvent } from '@incentive/events';
import { minorToMajor, toMinor } from './money.js';
import { type Tier, compileTiers, tierIndexFor } from './tiers.js';
import { DAY_MS, isoWeekIndex, parseInstant, wholeDaysBetween } from './time.js';

export interface FactsConfig {
  /** Ascending by minSpend12m (see parseTiers). */
  tiers: readonly Tier[];
  /** First matching segment id, else 'regular'; compiled from rules/segments.json by @incentive/rules. */
  classifySegment(facts: CustomerFacts): string;
}

export interface ApplyContext {
  /** For `referral` events: whether the referrer is a known customer (looked up by the caller). */
  referrerKnown?: boolean;
}

/** Expected, countable outcomes the caller may want to report; never errors. */
export type FactsNote =
  | 'self_referral'
  | 'unknown_referrer'
  | 'referee_has_purchases'
  | 'referral_already_credited'
  | 'refund_exceeds_spend'
  | 'refund_outside_window'
  | 'inactivity_stale'
  | 'out_of_order'
  | 'invalid_birthday';

export interface ApplyResult {
  state: CustomerState;
  facts: CustomerFacts;
  /** Shared and frozen when empty (the common case): read, do not push. */
  derived: readonly IncentiveEvent[];
  /** Shared and frozen when empty (the common case): read, do not push. */
  notes: readonly FactsNote[];
}

// Most events produce neither notes nor derived events; two fresh arrays per event were a visible
// part of the reducer's garbage.
const NO_NOTES: readonly FactsNote[] = Object.freeze([]);
const NO_DERIVED: readonly IncentiveEvent[] = Object.freeze([]);


type MutableState = { -readonly [K in keyof CustomerState]: CustomerState[K] };

// Field by field rather than `{ ...before }`: a spread of a state parsed from JSON or built by an
// older version takes V8's generic copy path, which was ~5% of the whole pure path per event; a
// literal always yields one object shape for everything downstream.
function copyState(b: CustomerState): MutableState {
  return {
    v: 2,
    customerId: b.customerId,
    asOfMs: b.asOfMs,
    signedUpAt: b.signedUpAt,
    birthday: b.birthday,
    country: b.country,
    referrerId: b.referrerId,
    referralCredited: b.referralCredited,
    orders: b.orders,
    refunds: b.refunds,
    totalMinor: b.totalMinor,
    window: b.window,
    windowMinor: b.windowMinor,
    windowOrders: b.windowOrders,
    firstPurchaseAt: b.firstPurchaseAt,
    lastPurchaseAt: b.lastPurchaseAt,
    lastPurchaseMs: b.lastPurchaseMs,
    streak: b.streak,
    streakWeek: b.streakWeek,
    referrals: b.referrals,
    tier: b.tier,
    segment: b.segment,
  };
}

function initialState(customerId: string, asOfMs: number, config: FactsConfig): CustomerState {
  const state: MutableState = {
    v: 2,
    customerId,
    asOfMs,
    signedUpAt: null,
    birthday: null,
    country: null,
    referrerId: null,
    referralCredited: false,
    orders: 0,
    refunds: 0,
    totalMinor: 0,
    window: [],
    windowMinor: 0,
    windowOrders: 0,
    firstPurchaseAt: null,
    lastPurchaseAt: null,
    lastPurchaseMs: null,
    streak: 0,
    streakWeek: null,
    referrals: 0,
    tier: null,
    segment: '',
  };
  const tiers = compileTiers(config.tiers);
  state.tier = tiers.ids[tierIndexFor(tiers, 0)] ?? null;
  // The empty customer's segment is the "before" of a customer's first event.
  state.segment = config.classifySegment(buildFacts(state, config, null, null, state.tier, state.segment));
  return state;
}

/** A purchase counts toward spend12m/orders12m through the end of the UTC day 365 days after its own. */
const WINDOW_DAYS = 365;

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Drops the days that left the window at `asOfMs`; keeps the same array when nothing drops. */
function slideWindow(s: MutableState, asOfMs: number): void {
  const w = s.window;
  const first = utcDay(asOfMs) - WINDOW_DAYS;
  let i = 0;
  let minor = 0;
  let orders = 0;
  while (i < w.length && (w[i] as WindowDay)[0] < first) {
    minor += (w[i] as WindowDay)[1];
    orders += (w[i] as WindowDay)[2];
    i++;
  }
  if (i > 0) {
    s.window = w.slice(i);
    s.windowMinor -= minor;
    s.windowOrders -= orders;
  }
}

const BIRTHDAY_FULL = /^\d{4}-(\d{2})-(\d{2})$/;
const BIRTHDAY_MD = /^--(\d{2})-(\d{2})$/;
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 'YYYY-MM-DD' or '--MM-DD' to 'MM-DD'; undefined when not a real month/day (Feb 29 allowed). */
export function normaliseBirthday(text: string): string | undefined {
  const m = BIRTHDAY_FULL.exec(text) ?? BIRTHDAY_MD.exec(text);
  if (!m) return undefined;
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1 || day > (MONTH_DAYS[month - 1] as number)) return undefined;
  if (BIRTHDAY_FULL.test(text) && month === 2 && day === 29) {
    const y = Number(text.slice(0, 4));
    if (!((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return undefined;
  }
  return `${m[1]}-${m[2]}`;
}

function applyPurchase(s: MutableState, ms: number, occurredAt: string, minor: number): void {
  s.orders += 1;
  s.totalMinor += minor;
  const day = utcDay(ms);
  const w = s.window;
  const n = w.length;
  const last = w[n - 1];
  let copy: WindowDay[];
  if (last === undefined || last[0] < day) {
    // concat: one copy of the right size (slice() then push() would copy twice when the push grows
    // it), and a packed array: one built by index from \`new Array(n)\` stays holey, and V8's
    // JSON.stringify takes its slow path for holey arrays (the state is stringified on every write).
    copy = w.concat([[day, minor, 1]]);
  } else if (last[0] === day) {
    copy = w.slice();
    copy[n - 1] = [day, last[1] + minor, last[2] + 1];
  } else {
    // A late purchase: add to its own day, or insert that day in order.
    copy = w.slice();
    let i = copy.length;
    while (i > 0 && (copy[i - 1] as WindowDay)[0] > day) i--;
    const prev = copy[i - 1];
    if (prev !== undefined && prev[0] === day) copy[i - 1] = [day, prev[1] + minor, prev[2] + 1];
    else copy.splice(i, 0, [day, minor, 1]);
  }
  s.window = copy;
  s.windowMinor += minor;
  s.windowOrders += 1;

  if (s.lastPurchaseMs === null) {
    s.firstPurchaseAt = occurredAt;
    s.lastPurchaseAt = occurredAt;
    s.lastPurchaseMs = ms;
  } else if (ms >= s.lastPurchaseMs) {
    s.lastPurchaseAt = occurredAt;
    s.lastPurchaseMs = ms;
  } else if (s.firstPurchaseAt === null || ms < parseInstant(s.firstPurchaseAt)) {
    s.firstPurchaseAt = occurredAt;
  }

  const week = isoWeekIndex(ms);
  if (s.streakWeek === null || week > s.streakWeek + 1) {
    s.streak = 1;
    s.streakWeek = week;
  } else if (week === s.streakWeek + 1) {
    s.streak += 1;
    s.streakWeek = week;
  } else if (week === s.streakWeek - s.streak) {
    // A late purchase in the week just before the current run extends it backwards.
    s.streak += 1;
  }
}

/**
 * Takes a refund out of the trailing window from the newest days backwards: refunds usually follow
 * recent orders, and this never lets a refunded amount age out of the window early. The purchase
 * counts stay (orders12m counts orders placed, as `orders` does). Returns the part of the refund
 * the window could not absorb.
 */
function refundWindow(s: MutableState, minor: number): number {
  const w = s.window;
  if (minor === 0 || w.length === 0) return minor;
  const copy = w.slice();
  let left = minor;
  for (let i = copy.length - 1; i >= 0 && left > 0; i--) {
    const e = copy[i] as WindowDay;
    const take = Math.min(e[1], left);
    if (take > 0) {
      copy[i] = [e[0], e[1] - take, e[2]];
      left -= take;
    }
  }
  s.window = copy;
  s.windowMinor -= minor - left;
  return left;
}

function buildFacts(
  s: CustomerState,
  config: FactsConfig,
  daysSinceLastPurchase: number | null,
  recencyDays: number | null,
  previousTier: string | null,
  previousSegment: string,
): CustomerFacts {
  const tiers = compileTiers(config.tiers);
  const idx = tierIndexFor(tiers, s.windowMinor);
  const tier = tiers.ids[idx] ?? null;
  const prevIdx = previousTier === null ? -1 : tiers.indexById.get(previousTier);
  let tierChanged: 'up' | 'down' | null = null;
  // A previous tier missing from the current tier list (tiers.json edited) cannot be compared: null.
  if (prevIdx !== undefined && idx !== prevIdx) tierChanged = idx > prevIdx ? 'up' : 'down';
  const nextId = tiers.ids[idx + 1];
  const nextMin = tiers.minMinor[idx + 1];
  return {
    signedUpAt: s.signedUpAt,
    birthday: s.birthday,
    country: s.country,
    referrerId: s.referrerId,
    orders: s.orders,
    refunds: s.refunds,
    totalSpend: minorToMajor(s.totalMinor),
    spend12m: minorToMajor(s.windowMinor),
    orders12m: s.windowOrders,
    avgOrderValue: s.orders === 0 ? 0 : minorToMajor(Math.round(s.totalMinor / s.orders)),
    firstPurchaseAt: s.firstPurchaseAt,
    lastPurchaseAt: s.lastPurchaseAt,
    daysSinceLastPurchase,
    recencyDays,
    weeklyStreak: s.streak,
    referrals: s.referrals,
    tier,
    previousTier,
    tierChanged,
    nextTier: nextId ?? null,
    spendToNextTier: nextMin === undefined ? null : minorToMajor(Math.max(0, nextMin - s.windowMinor)),
    segment: previousSegment,
    previousSegment,
    segmentChanged: false,
  };
}

/**
 * Applies one event to a customer's state. Pure: `state` is never mutated (the returned state may
 * share unchanged arrays with it). Facts are those after the event; `previous*` are from before it.
 * Duplicate delivery is the caller's concern (dedupe by event id before calling).
 */
export function applyEvent(
  state: CustomerState | undefined,
  event: IncentiveEvent,
  config: FactsConfig,
  ctx?: ApplyContext,
): ApplyResult {
  const ms = parseInstant(event.occurredAt);
  if (Number.isNaN(ms)) {
    throw new FactsInputError('occurredAt', `not an RFC 3339 date-time with offset: ${JSON.stringify(event.occurredAt)}`);
  }
  if (state !== undefined && state.customerId !== event.customerId) {
    throw new FactsInputError('customerId', `event for "${event.customerId}" applied to the state of "${state.customerId}"`);
  }
  const before = state ?? initialState(event.customerId, ms, config);
  let notes: FactsNote[] | null = null;
  let derived: IncentiveEvent[] | null = null;
  const s = copyState(before);
  if (ms < before.asOfMs) (notes ??= []).push('out_of_order');
  // Time-based facts are evaluated at the latest time seen, so a late event cannot flip tiers back.
  const asOf = ms > before.asOfMs ? ms : before.asOfMs;
  s.asOfMs = asOf;

  switch (event.type) {
    case 'purchase':
      applyPurchase(s, ms, event.occurredAt, toMinor(event.data.amount));
      slideWindow(s, asOf);
      break;
    case 'refund': {
      const minor = toMinor(event.data.amount);
      s.refunds += 1;
      const applied = Math.min(minor, s.totalMinor);
      if (applied < minor) (notes ??= []).push('refund_exceeds_spend');
      s.totalMinor -= applied;
      slideWindow(s, asOf);
      if (refundWindow(s, minor) > 0 && applied === minor) (notes ??= []).push('refund_outside_window');
      break;
    }
    case 'signup': {
      const d = event.data;
      if (s.signedUpAt === null) s.signedUpAt = event.occurredAt;
      if (d.birthday !== undefined) {
        const md = normaliseBirthday(d.birthday);
        if (md === undefined) (notes ??= []).push('invalid_birthday');
        else s.birthday = md;
      }
      if (d.country !== undefined) s.country = d.country;
      if (d.referrerId !== undefined) {
        if (d.referrerId === event.customerId) (notes ??= []).push('self_referral');
        else if (s.referrerId === null) s.referrerId = d.referrerId;
      }
      slideWindow(s, asOf);
      break;
    }
    case 'referral': {
      const referrerId = event.data.referrerId;
      if (referrerId === event.customerId) (notes ??= []).push('self_referral');
      else if (ctx?.referrerKnown !== true) (notes ??= []).push('unknown_referrer');
      else if (before.orders > 0) (notes ??= []).push('referee_has_purchases');
      else if (before.referralCredited) (notes ??= []).push('referral_already_credited');
      else {
        s.referralCredited = true;
        s.referrerId = referrerId;
        const credited: ReferralCreditedEvent = {
          id: boundedEventId(`derived:referral.credited:${event.id}`),
          type: 'referral.credited',
          customerId: referrerId,
          occurredAt: event.occurredAt,
          source: 'rules-engine',
          data: { refereeId: event.customerId, sourceEventId: event.id },
        };
        (derived ??= []).push(credited);
      }
      slideWindow(s, asOf);
      break;
    }
    case 'referral.credited':
      s.referrals += 1;
      slideWindow(s, asOf);
      break;
    case 'inactivity':
      if (event.data.lastPurchaseAt !== before.lastPurchaseAt) (notes ??= []).push('inactivity_stale');
      slideWindow(s, asOf);
      break;
    default:
      // Clock and other informational events change no purchase facts; the window still slides.
      slideWindow(s, asOf);
      break;
  }

  const daysSince =
    before.lastPurchaseMs === null ? null : Math.max(0, wholeDaysBetween(before.lastPurchaseMs, ms));
  const recency = s.lastPurchaseMs === null ? null : Math.max(0, wholeDaysBetween(s.lastPurchaseMs, ms));
  const facts = buildFacts(s, config, daysSince, recency, before.tier, before.segment);
  const segment = config.classifySegment(facts);
  facts.segment = segment;
  facts.segmentChanged = segment !== before.segment;
  s.tier = facts.tier;
  s.segment = segment;
  return { state: s, facts, derived: derived ?? NO_DERIVED, notes: notes ?? NO_NOTES };
}
