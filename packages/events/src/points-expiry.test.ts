import { describe, expect, it } from 'vitest';
import {
  isPointsExpireRequest,
  parsePointsExpire,
  parseRewardsTopicMessageJson,
  pointsExpireRequestId,
} from './points-expiry.js';

const request = { type: 'points.expire', id: pointsExpireRequestId('c-1', '2011-01-05'), customerId: 'c-1', asOf: '2011-01-05T00:00:00Z' };
const reward = {
  rewardId: 'r-1', ruleId: 'rule', rulesetVersion: 'v1', customerId: 'c-1', sourceEventId: 'e-1',
  kind: 'points', issuedAt: '2010-01-05T10:00:00Z', expiresAt: '2011-01-05T10:00:00Z', points: 10,
};

describe('points.expire request', () => {
  it('has a deterministic id per customer and tick date', () => {
    expect(pointsExpireRequestId('c-1', '2011-01-05')).toBe('clock:points-expire:c-1:2011-01-05');
  });

  it('parses a valid request and strips unknown keys', () => {
    const r = parsePointsExpire({ ...request, extra: 1 });
    expect(r).toEqual({ ok: true, value: request });
  });

  it('names the field and the reason when invalid', () => {
    const r = parsePointsExpire({ ...request, asOf: 'yesterday' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues[0]?.path).toBe('asOf');
    const bad = parsePointsExpire({ ...request, customerId: 'has space' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('customerId');
  });
});

describe('rewards topic dispatch by shape', () => {
  it('a type field means an expiry request', () => {
    const r = parseRewardsTopicMessageJson(JSON.stringify(request));
    expect(r.ok && isPointsExpireRequest(r.value)).toBe(true);
  });

  it('no type field means a reward, as before', () => {
    const r = parseRewardsTopicMessageJson(JSON.stringify(reward));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(isPointsExpireRequest(r.value)).toBe(false);
      expect(r.value).toMatchObject({ kind: 'points', points: 10 });
    }
  });

  it('an unknown type is refused naming the field', () => {
    const r = parseRewardsTopicMessageJson(JSON.stringify({ ...request, type: 'points.grant' }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('schema');
      expect(r.error.issues[0]).toMatchObject({ path: 'type' });
      expect(r.error.message).toContain('points.grant');
    }
  });

  it('a reward with an unknown kind is still refused naming kind', () => {
    const r = parseRewardsTopicMessageJson(JSON.stringify({ ...reward, kind: 'cash' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues[0]?.path).toBe('kind');
  });
});
