// What one upstream event changes in the scheduler's due-customer indexes (pure).
import type { IncentiveEvent, RewardsTopicMessage } from '@incentive/events';
import { normaliseBirthday, parseInstant, toMinor } from '@incentive/facts';
import { monthOf } from './tick-plan.js';

export type IndexUpdate =
  | {
      kind: 'purchase';
      eventId: string;
      customerId: string;
      /** occurredAt exactly as sent: facts keep this text as lastPurchaseAt, and it is part of the inactivity id. */
      at: string;
      ms: number;
      month: string;
      minor: number;
      orderId: string;
    }
  | {
      kind: 'refund';
      eventId: string;
      customerId: string;
      /** Month of the refund itself, used when the order is unknown to the index. */
      month: string;
      minor: number;
      orderId: string;
    }
  | { kind: 'birthday'; eventId: string; customerId: string; monthDay: string }
  | {
      /** A points reward with an expiry date (from the rewards topic). `eventId` is the rewardId. */
      kind: 'pointsGrant';
      eventId: string;
      customerId: string;
      /** expiresAt, epoch ms. */
      expiresMs: number;
      points: number;
    };

/** The index change for a record of the rewards topic: points rewards that carry `expiresAt`. */
export function pointsGrantUpdateFor(message: RewardsTopicMessage): IndexUpdate | null {
  if (!('kind' in message) || message.kind !== 'points' || message.expiresAt === undefined) return null;
  const expiresMs = parseInstant(message.expiresAt);
  if (Number.isNaN(expiresMs)) return null;
  return { kind: 'pointsGrant', eventId: message.rewardId, customerId: message.customerId, expiresMs, points: message.points };
}

/**
 * The index change for an event, or null for events that move no index (clock events, referrals,
 * signups without a valid birthday). Mirrors @incentive/facts: lastPurchaseAt is the latest purchase
 * by event time, the birthday is the normalised MM-DD of the last signup that carried one.
 */
export function indexUpdateFor(event: IncentiveEvent, timeZone: string): IndexUpdate | null {
  switch (event.type) {
    case 'purchase': {
      const ms = parseInstant(event.occurredAt);
      if (Number.isNaN(ms)) return null;
      return {
        kind: 'purchase',
        eventId: event.id,
        customerId: event.customerId,
        at: event.occurredAt,
        ms,
        month: monthOf(ms, timeZone),
        minor: toMinor(event.data.amount),
        orderId: event.data.orderId,
      };
    }
    case 'refund': {
      const ms = parseInstant(event.occurredAt);
      if (Number.isNaN(ms)) return null;
      return {
        kind: 'refund',
        eventId: event.id,
        customerId: event.customerId,
        month: monthOf(ms, timeZone),
        minor: toMinor(event.data.amount),
        orderId: event.data.orderId,
      };
    }
    case 'signup': {
      const raw = event.data.birthday;
      const monthDay = raw === undefined ? undefined : normaliseBirthday(raw);
      return monthDay === undefined ? null : { kind: 'birthday', eventId: event.id, customerId: event.customerId, monthDay };
    }
    default:
      return null;
  }
}
