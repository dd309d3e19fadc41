import specs from '@asyncapi/specs';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildAsyncApi, buildJsonSchemas } from './contract-docs.js';
import { EVENT_TYPES, parseEvent } from './events.js';
import { parseReward } from './reward.js';

// The generated documents checked by independent validators: the AsyncAPI document against the
// official AsyncAPI 3.0.0 JSON Schema, and our JSON Schemas (draft 2020-12) against sample
// documents, which must get the same verdict as parseEvent/parseReward where JSON Schema can
// express the rule (refinements such as real calendar dates are zod-only).

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;

// The spec bundles its own copy of the draft-07 meta-schema, so Ajv must not add its own.
// Compiling the spec takes a second or two: once, shared by both tests.
let asyncApiValidate: ReturnType<Ajv['compile']> | undefined;
function asyncApiValidator() {
  asyncApiValidate ??= new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false }).compile(
    specs.schemas['3.0.0'] as object,
  );
  return asyncApiValidate;
}

describe('AsyncAPI document', () => {
  it('is valid AsyncAPI 3.0.0', { timeout: 30_000 }, () => {
    const validate = asyncApiValidator();
    const ok = validate(buildAsyncApi());
    expect(ok ? [] : validate.errors!.slice(0, 5).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it('fails the official schema when broken (the check above can fail)', { timeout: 30_000 }, () => {
    const validate = asyncApiValidator();
    const doc = buildAsyncApi() as { operations: Record<string, { action: string }> };
    doc.operations.publishEvent!.action = 'publish';
    expect(validate(doc)).toBe(false);
  });
});

describe('JSON Schemas (draft 2020-12)', () => {
  // multipleOf 0.01 needs a float tolerance in any validator: 0.29 / 0.01 is 28.999999999999996.
  const ajv = new Ajv2020({ strict: false, allErrors: true, multipleOfPrecision: 9 });
  addFormats(ajv);
  const schemas = buildJsonSchemas();
  const validators = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, ajv.compile(s)]));

  const at = '2026-03-29T01:30:00+01:00';
  const env = { id: 'e1', customerId: 'c1', occurredAt: at };
  const samples: Record<string, object> = {
    purchase: { ...env, type: 'purchase', data: { orderId: 'o', amount: 0.29, currency: 'GBP', items: [{ sku: 's', quantity: 2, unitPrice: 0.145 }] } },
    refund: { ...env, type: 'refund', data: { orderId: 'o', amount: 10, currency: 'EUR' } },
    signup: { ...env, type: 'signup', data: { email: 'a@b.c', birthday: '--02-29', country: 'GB' } },
    referral: { ...env, type: 'referral', data: { referrerId: 'r' } },
    birthday: { ...env, type: 'birthday', data: { monthDay: '02-29', year: 2028 } },
    inactivity: { ...env, type: 'inactivity', data: { days: 30, lastPurchaseAt: at } },
    'referral.credited': { ...env, type: 'referral.credited', data: { refereeId: 'x', sourceEventId: 'e0' } },
    'leaderboard.closed': { ...env, type: 'leaderboard.closed', data: { month: '2026-01', rank: 1, spend: 5.5 } },
  };

  it.each(EVENT_TYPES)('%s: a valid event passes its schema and event.json, like parseEvent', (type) => {
    const doc = { ...samples[type], futureField: 1 };
    expect(parseEvent(doc).ok).toBe(true);
    expect(validators[`event.${type}.json`]!(doc)).toBe(true);
    expect(validators['event.json']!(doc)).toBe(true);
  });

  const invalid: [string, object][] = [
    ['customer id with a space', { ...samples.purchase, customerId: 'a b' }],
    ['occurredAt without offset', { ...samples.refund, occurredAt: '2026-01-01T00:00:00' }],
    ['3-decimal amount', { ...samples.refund, data: { orderId: 'o', amount: 1.005, currency: 'EUR' } }],
    ['negative amount', { ...samples.refund, data: { orderId: 'o', amount: -1, currency: 'EUR' } }],
    ['lower-case currency', { ...samples.refund, data: { orderId: 'o', amount: 1, currency: 'eur' } }],
    ['fractional quantity', { ...samples.purchase, data: { orderId: 'o', amount: 1, currency: 'GBP', items: [{ sku: 's', quantity: 1.5, unitPrice: 1 }] } }],
    ['unknown type', { ...samples.referral, type: 'referred' }],
    ['missing data', { ...env, type: 'referral' }],
    ['bad month', { ...samples['leaderboard.closed'], data: { month: '2026-13', rank: 1, spend: 1 } }],
  ];

  it.each(invalid)('rejects %s, like parseEvent', (_name, doc) => {
    expect(parseEvent(doc).ok).toBe(false);
    expect(validators['event.json']!(doc)).toBe(false);
  });

  it('reward.json agrees with parseReward on each kind', () => {
    const base = { rewardId: 'r', ruleId: 'x', rulesetVersion: 'v', customerId: 'c', sourceEventId: 'e', issuedAt: at };
    const docs = [
      { ...base, kind: 'points', points: 5 },
      { ...base, kind: 'coupon', percentOff: 10, validDays: 3 },
      { ...base, kind: 'gift', sku: 's', name: 'n' },
      { ...base, kind: 'badge', badge: 'b' },
      { ...base, kind: 'clawback', orderId: 'o', amount: 1.5, currency: 'GBP' },
      { ...base, kind: 'points', points: 0 },
      { ...base, kind: 'bonus' },
    ];
    expect(docs.map((d) => validators['reward.json']!(d))).toEqual(docs.map((d) => parseReward(d).ok));
    expect(docs.map((d) => parseReward(d).ok)).toEqual([true, true, true, true, true, false, false]);
  });
});
