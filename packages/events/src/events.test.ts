import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NonRetryableError, isRetryable } from '@incentive/platform';
import { EVENT_TYPES, parseEvent, parseEventJson } from './events.js';
import { EventValidationError } from './errors.js';

const env = { id: 'evt-1', customerId: 'cust_42', occurredAt: '2026-03-29T01:30:00+01:00', source: 'shop' };

const valid = {
  purchase: {
    ...env,
    type: 'purchase',
    data: {
      orderId: 'o-1',
      amount: 39.98,
      currency: 'GBP',
      items: [{ sku: 'A1', category: 'mugs', quantity: 2, unitPrice: 19.99 }],
      couponCodes: ['WELCOME10'],
      channel: 'web',
    },
  },
  refund: { ...env, type: 'refund', data: { orderId: 'o-1', amount: 19.99, currency: 'EUR' } },
  signup: { ...env, type: 'signup', data: { email: 'a@example.com', birthday: '1990-02-28', country: 'GB', referrerId: 'cust_7' } },
  referral: { ...env, type: 'referral', data: { referrerId: 'cust_7' } },
  birthday: { ...env, type: 'birthday', data: { monthDay: '02-29', year: 2028 } },
  inactivity: { ...env, type: 'inactivity', data: { days: 90, lastPurchaseAt: '2025-12-01T10:00:00Z' } },
  'referral.credited': { ...env, type: 'referral.credited', data: { refereeId: 'cust_9', sourceEventId: 'evt-0' } },
  'leaderboard.closed': { ...env, type: 'leaderboard.closed', data: { month: '2026-02', rank: 1, spend: 1234.5 } },
} as const;

type Mutation = (e: Record<string, unknown> & { data: Record<string, unknown> }) => void;

function mutate(type: keyof typeof valid, fn: Mutation): unknown {
  const copy = structuredClone(valid[type]) as unknown as Record<string, unknown> & { data: Record<string, unknown> };
  fn(copy);
  return copy;
}

function rejectionOf(input: unknown) {
  const r = parseEvent(input);
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.value)}`);
  return r.error;
}

describe('parseEvent: valid events', () => {
  it('covers every event type', () => {
    expect(Object.keys(valid).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(EVENT_TYPES)('accepts a valid %s event unchanged', (type) => {
    const r = parseEvent(valid[type]);
    expect(r.ok && r.value).toEqual(valid[type]);
  });

  it.each([
    ['minimal purchase', { id: 'x', type: 'purchase', customerId: 'c', occurredAt: '2026-01-01T00:00:00Z', data: { orderId: 'o', amount: 0, currency: 'USD' } }],
    ['signup without data fields', { id: 'x', type: 'signup', customerId: 'c', occurredAt: '2026-01-01T00:00:00.123456Z', data: {} }],
    ['birthday without year', mutate('signup', (e) => { e.data.birthday = '--02-29'; })],
    ['leap-year birthday', mutate('signup', (e) => { e.data.birthday = '2000-02-29'; })],
    ['negative offset', mutate('refund', (e) => { e.occurredAt = '2026-11-01T23:59:59.5-05:30'; })],
    ['amount with float noise', mutate('purchase', (e) => { e.data.amount = 0.29; })],
    ['500 items', mutate('purchase', (e) => { e.data.items = Array.from({ length: 500 }, (_, i) => ({ sku: `s${i}`, quantity: 1, unitPrice: 1 })); })],
    ['128-char id and customer id', mutate('referral', (e) => { e.id = 'i'.repeat(128); e.customerId = 'A-z.0_:'.repeat(18).slice(0, 128); })],
  ])('accepts %s', (_name, input) => {
    const r = parseEvent(input);
    expect(r.ok ? 'ok' : r.error.message).toBe('ok');
  });

  it('tolerates unknown fields and strips them from the value (the input is not modified)', () => {
    const input = mutate('purchase', (e) => {
      e.futureEnvelopeField = { nested: true };
      e.data.giftWrap = true;
      (e.data.items as Record<string, unknown>[])[0]!.colour = 'red';
    });
    const r = parseEvent(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual(valid.purchase);
    expect(r.value).not.toHaveProperty('futureEnvelopeField');
    expect((input as Record<string, unknown>).futureEnvelopeField).toEqual({ nested: true });
  });
});

describe('parseEvent: rejections name the path and the reason', () => {
  const cases: [string, unknown, string, string, string?][] = [
    // [name, input, path, reason, code]
    ['not an object', [1, 2], '', 'must be a JSON object (got array)'],
    ['null', null, '', 'must be a JSON object (got null)'],
    ['missing type', { ...env, data: {} }, 'type', 'is required'],
    ['numeric type', { ...env, type: 7, data: {} }, 'type', 'must be a string (got number)'],
    ['unknown type', { ...env, type: 'purchased', data: {} }, 'type', 'unknown type "purchased"; expected one of purchase, refund'],
    ['empty id', mutate('purchase', (e) => { e.id = ''; }), 'id', 'must not be empty'],
    ['129-char id', mutate('purchase', (e) => { e.id = 'x'.repeat(129); }), 'id', 'must be at most 128 characters'],
    ['missing id', mutate('refund', (e) => { delete e.id; }), 'id', 'is required'],
    ['customer id with a space', mutate('purchase', (e) => { e.customerId = 'a b'; }), 'customerId', 'must match ^[A-Za-z0-9._:-]{1,128}$'],
    ['customer id too long', mutate('signup', (e) => { e.customerId = 'c'.repeat(129); }), 'customerId', 'must match'],
    ['numeric customer id', mutate('signup', (e) => { e.customerId = 17850; }), 'customerId', 'must be a string (got number)'],
    ['occurredAt without offset', mutate('purchase', (e) => { e.occurredAt = '2026-03-01T12:00:00'; }), 'occurredAt', 'RFC 3339'],
    ['occurredAt with a space', mutate('purchase', (e) => { e.occurredAt = '2026-03-01 12:00:00Z'; }), 'occurredAt', 'RFC 3339'],
    ['occurredAt without seconds', mutate('purchase', (e) => { e.occurredAt = '2026-03-01T12:00Z'; }), 'occurredAt', 'RFC 3339'],
    ['occurredAt offset without colon', mutate('purchase', (e) => { e.occurredAt = '2026-03-01T12:00:00+0100'; }), 'occurredAt', 'RFC 3339'],
    ['occurredAt Feb 30', mutate('purchase', (e) => { e.occurredAt = '2026-02-30T12:00:00Z'; }), 'occurredAt', 'RFC 3339'],
    ['occurredAt as epoch', mutate('purchase', (e) => { e.occurredAt = 1767225600000; }), 'occurredAt', 'must be a string (got number)'],
    ['source empty', mutate('purchase', (e) => { e.source = ''; }), 'source', 'must not be empty'],
    ['data missing', mutate('referral', (e) => { delete (e as Record<string, unknown>).data; }), 'data', 'is required'],
    ['data a string', mutate('referral', (e) => { (e as Record<string, unknown>).data = 'x'; }), 'data', 'must be an object (got string)'],
    // purchase
    ['negative amount', mutate('purchase', (e) => { e.data.amount = -1; }), 'data.amount', 'must be >= 0'],
    ['3-decimal amount', mutate('purchase', (e) => { e.data.amount = 1.005; }), 'data.amount', 'must have at most 2 decimals'],
    ['string amount', mutate('purchase', (e) => { e.data.amount = '12.50'; }), 'data.amount', 'must be a number (got string)'],
    ['NaN amount', mutate('purchase', (e) => { e.data.amount = NaN; }), 'data.amount', 'must be a finite number (got NaN)'],
    ['Infinity amount', mutate('purchase', (e) => { e.data.amount = Infinity; }), 'data.amount', 'must be a finite number (got Infinity)'],
    ['lower-case currency', mutate('purchase', (e) => { e.data.currency = 'gbp'; }), 'data.currency', 'must be an ISO 4217 code'],
    ['4-letter currency', mutate('purchase', (e) => { e.data.currency = 'GBPX'; }), 'data.currency', 'ISO 4217'],
    ['missing orderId', mutate('purchase', (e) => { delete e.data.orderId; }), 'data.orderId', 'is required'],
    ['501 items', mutate('purchase', (e) => { e.data.items = Array.from({ length: 501 }, () => ({ sku: 's', quantity: 1, unitPrice: 1 })); }), 'data.items', 'must have at most 500 items'],
    ['items not an array', mutate('purchase', (e) => { e.data.items = { sku: 's' }; }), 'data.items', 'must be an array (got object)'],
    ['string quantity', mutate('purchase', (e) => {
      e.data.items = [0, 1, 2, 3].map((i) => ({ sku: `s${i}`, quantity: i === 3 ? '2' : 1, unitPrice: 1 }));
    }), 'data.items[3].quantity', 'must be a number (got string)'],
    ['zero quantity', mutate('purchase', (e) => { e.data.items = [{ sku: 's', quantity: 0, unitPrice: 1 }]; }), 'data.items[0].quantity', 'must be >= 1'],
    ['fractional quantity', mutate('purchase', (e) => { e.data.items = [{ sku: 's', quantity: 1.5, unitPrice: 1 }]; }), 'data.items[0].quantity', 'must be an integer'],
    ['negative unit price', mutate('purchase', (e) => { e.data.items = [{ sku: 's', quantity: 1, unitPrice: -0.5 }]; }), 'data.items[0].unitPrice', 'must be >= 0'],
    ['item without sku', mutate('purchase', (e) => { e.data.items = [{ quantity: 1, unitPrice: 1 }]; }), 'data.items[0].sku', 'is required'],
    ['coupon code not a string', mutate('purchase', (e) => { e.data.couponCodes = [5]; }), 'data.couponCodes[0]', 'must be a string (got number)'],
    // refund
    ['refund negative amount', mutate('refund', (e) => { e.data.amount = -19.99; }), 'data.amount', 'must be >= 0'],
    ['refund without currency', mutate('refund', (e) => { delete e.data.currency; }), 'data.currency', 'is required'],
    // signup
    ['birthday Feb 30', mutate('signup', (e) => { e.data.birthday = '1990-02-30'; }), 'data.birthday', 'must be a real date'],
    ['birthday Feb 29 in a common year', mutate('signup', (e) => { e.data.birthday = '1991-02-29'; }), 'data.birthday', 'must be a real date'],
    ['birthday month 13', mutate('signup', (e) => { e.data.birthday = '--13-01'; }), 'data.birthday', 'must be a real date'],
    ['birthday in another format', mutate('signup', (e) => { e.data.birthday = '28/02/1990'; }), 'data.birthday', 'must be YYYY-MM-DD or --MM-DD'],
    ['bad email', mutate('signup', (e) => { e.data.email = 'not-an-email'; }), 'data.email', 'must be an e-mail address'],
    ['bad referrerId', mutate('signup', (e) => { e.data.referrerId = 'x/y'; }), 'data.referrerId', 'must match'],
    // referral
    ['referral without referrer', mutate('referral', (e) => { e.data = {}; }), 'data.referrerId', 'is required'],
    // birthday clock event
    ['birthday monthDay 02-30', mutate('birthday', (e) => { e.data.monthDay = '02-30'; }), 'data.monthDay', 'must be a real month and day'],
    ['birthday monthDay with year', mutate('birthday', (e) => { e.data.monthDay = '2026-02-01'; }), 'data.monthDay', 'must be MM-DD'],
    ['birthday year fractional', mutate('birthday', (e) => { e.data.year = 2026.5; }), 'data.year', 'must be an integer'],
    // inactivity
    ['inactivity zero days', mutate('inactivity', (e) => { e.data.days = 0; }), 'data.days', 'must be >= 1'],
    ['inactivity bad lastPurchaseAt', mutate('inactivity', (e) => { e.data.lastPurchaseAt = '2025-12-01'; }), 'data.lastPurchaseAt', 'RFC 3339'],
    // referral.credited
    ['credited without source', mutate('referral.credited', (e) => { delete e.data.sourceEventId; }), 'data.sourceEventId', 'is required'],
    ['credited bad referee', mutate('referral.credited', (e) => { e.data.refereeId = ''; }), 'data.refereeId', 'must match'],
    // leaderboard.closed
    ['leaderboard bad month', mutate('leaderboard.closed', (e) => { e.data.month = '2026-13'; }), 'data.month', 'must be YYYY-MM'],
    ['leaderboard rank 0', mutate('leaderboard.closed', (e) => { e.data.rank = 0; }), 'data.rank', 'must be >= 1'],
    ['leaderboard spend 3 decimals', mutate('leaderboard.closed', (e) => { e.data.spend = 0.001; }), 'data.spend', 'at most 2 decimals'],
    // guards
    ['__proto__ key deep in an unknown field', mutate('purchase', (e) => {
      e.data.extra = JSON.parse('{"a":[{"__proto__":{"polluted":true}}]}');
    }), 'data.extra.a[0].__proto__', 'key "__proto__" is not allowed', 'forbidden_key'],
    ['constructor key', mutate('signup', (e) => { Object.defineProperty(e.data, 'constructor', { value: { prototype: {} }, enumerable: true }); }), 'data.constructor', 'key "constructor" is not allowed', 'forbidden_key'],
    ['prototype key in an item', mutate('purchase', (e) => {
      (e.data.items as Record<string, unknown>[])[0]!.prototype = 1;
    }), 'data.items[0].prototype', 'key "prototype" is not allowed', 'forbidden_key'],
    ['Infinity in an unknown field', mutate('refund', (e) => { e.data.ratio = -Infinity; }), 'data.ratio', 'must be a finite number (got -Infinity)'],
    ['oversize event', mutate('signup', (e) => { e.data.note = 'x'.repeat(70_000); }), '', 'more than the 65536 allowed', 'too_large'],
    ['deep nesting', mutate('signup', (e) => {
      let deep: unknown = 1;
      for (let i = 0; i < 40; i++) deep = [deep];
      e.data.deep = deep;
    }), `data.deep${'[0]'.repeat(30)}`, 'nesting deeper than 32 levels', 'too_large'],
  ];

  it.each(cases)('%s', (_name, input, path, reason, code = 'schema') => {
    const err = rejectionOf(input);
    expect(err).toBeInstanceOf(EventValidationError);
    expect(err.code).toBe(code);
    expect(err.issues[0]).toEqual({ path, message: expect.stringContaining(reason) });
    expect(err.message.startsWith(path === '' ? reason.slice(0, 0) : `${path}: `)).toBe(true);
    expect(err.message).toContain(reason);
  });

  // The JSON path skips the guard walk for exact-shape events; whatever it rejects must be
  // reported as parseEvent reports it (same code, path and reason).
  it.each(cases.filter(([, input]) => isDeepStrictEqual(JSON.parse(JSON.stringify(input)), input)))('%s, from JSON text', (_name, input, path, reason, code = 'schema') => {
    const r = parseEventJson(JSON.stringify(input));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.issues[0]).toEqual({ path, message: expect.stringContaining(reason) });
  });

  it('lists every problem, and the message counts the rest', () => {
    const err = rejectionOf(mutate('purchase', (e) => {
      e.customerId = '';
      e.data.amount = -1;
      e.data.currency = 'pounds';
    }));
    expect(err.issues.map((i) => i.path)).toEqual(['customerId', 'data.amount', 'data.currency']);
    expect(err.message).toMatch(/^customerId: must match .* \(and 2 more\)$/);
  });

  it('is a non-retryable error', () => {
    const err = rejectionOf({});
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.name).toBe('EventValidationError');
    expect(isRetryable(err)).toBe(false);
  });

  it('measures size exactly near the limit (multi-byte characters count as UTF-8 bytes)', () => {
    const base = JSON.stringify(mutate('signup', (e) => { e.data.note = ''; }));
    const room = 64 * 1024 - Buffer.byteLength(base);
    // 'é' is 2 bytes in UTF-8: exactly at the limit passes, one byte more fails.
    const fits = mutate('signup', (e) => { e.data.note = 'é'.repeat(room / 2); });
    expect(room % 2).toBe(0);
    expect(parseEvent(fits).ok).toBe(true);
    expect(parseEventJson(JSON.stringify(fits)).ok).toBe(true);
    const over = mutate('signup', (e) => { e.data.note = `${'é'.repeat(room / 2)}x`; });
    expect(!parseEvent(over).ok && rejectionOf(over).code).toBe('too_large');
  });
});

describe('parseEventJson', () => {
  const line = JSON.stringify(valid.purchase);

  it('accepts a string and UTF-8 bytes', () => {
    expect(parseEventJson(line)).toEqual({ ok: true, value: valid.purchase });
    expect(parseEventJson(new TextEncoder().encode(line))).toEqual({ ok: true, value: valid.purchase });
  });

  it('strips unknown fields at every level of a JSON line (validated in place, copied only where needed)', () => {
    const withItems = { ...valid.purchase, data: { ...valid.purchase.data, items: [{ sku: 'a', quantity: 1, unitPrice: 2 }] } };
    const noisy = { ...withItems, extra: 1, data: { ...withItems.data, note: 'x', items: [{ ...withItems.data.items[0], colour: 'red' }] } };
    for (const doc of [noisy, { ...withItems, data: { ...withItems.data, note: 'x' } }, { ...withItems, data: { ...withItems.data, items: [{ sku: 'a', quantity: 1, unitPrice: 2, colour: 'red' }] } }]) {
      const r = parseEventJson(JSON.stringify(doc));
      expect(r.ok && r.value).toStrictEqual(withItems);
    }
    const bad = parseEventJson(JSON.stringify({ ...noisy, data: { ...noisy.data, amount: -1 } }));
    expect(bad.ok ? 'accepted' : bad.error.message).toBe('data.amount: must be >= 0');
  });

  it.each([
    ['truncated JSON', '{"id":"x",', '', 'is not valid JSON', 'invalid_json'],
    ['empty input', '', '', 'is not valid JSON', 'invalid_json'],
    ['a JSON string', '"purchase"', '', 'must be a JSON object (got string)', 'schema'],
    ['1e999 parses to Infinity', line.replace('"amount":39.98', '"amount":1e999'), 'data.amount', 'must be a finite number (got Infinity)', 'schema'],
    ['__proto__ key in the text', line.replace('"channel":"web"', '"channel":"web","__proto__":{"isAdmin":true}'), 'data.__proto__', 'key "__proto__" is not allowed', 'forbidden_key'],
    ['escaped __proto__ key', line.replace('"channel":"web"', '"channel":"web","\\u005f_proto__":{}'), 'data.__proto__', 'not allowed', 'forbidden_key'],
    ['oversize text', JSON.stringify({ ...valid.signup, pad: 'x'.repeat(65_536) }), '', 'more than the 65536 allowed', 'too_large'],
  ])('rejects %s', (_name, text, path, reason, code) => {
    const r = parseEventJson(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.issues[0]!.path).toBe(path);
    expect(r.error.message).toContain(reason);
  });

  it('rejects invalid UTF-8 bytes', () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0x7d]);
    const r = parseEventJson(bytes);
    expect(!r.ok && [r.error.code, r.error.message]).toEqual(['invalid_json', 'is not valid UTF-8']);
  });

  it('does not pollute Object.prototype', () => {
    parseEventJson('{"__proto__":{"polluted":true},"type":"purchase"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
