import type { Consumer, Kafka } from 'kafkajs';
import { parseNotificationJson, type IncentiveEvent } from '@incentive/events';

/**
 * The Online Retail data has no coupon codes, so without help the demo would issue thousands of
 * coupons and redeem none. This follows the notifications fulfillment publishes (`reward.coupon`,
 * with the code, expiry and minimum spend) and lets one eligible purchase in `oneIn` carry a coupon
 * its customer holds — a still-valid one whose minimum spend the order meets. Fulfillment then
 * records the redemption as it would for a real checkout.
 */
export interface RedemptionSimulator {
  /** The day's events, some purchases with `couponCodes` added. */
  decorate(events: readonly IncentiveEvent[]): IncentiveEvent[];
  attached(): number;
  stop(): Promise<void>;
}

interface HeldCoupon {
  code: string;
  expiresAtMs: number;
  minSpend: number;
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export async function createRedemptionSimulator(kafka: Kafka, topic: string, groupId: string, oneIn = 3): Promise<RedemptionSimulator> {
  const held = new Map<string, HeldCoupon[]>();
  let attached = 0;
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const parsed = parseNotificationJson(message.value ?? '');
      if (!parsed.ok || parsed.value.kind !== 'reward.coupon') return;
      const { customerId, payload } = parsed.value;
      const code = payload.code;
      const expiresAt = typeof payload.expiresAt === 'string' ? Date.parse(payload.expiresAt) : Number.NaN;
      if (typeof code !== 'string' || Number.isNaN(expiresAt)) return;
      let list = held.get(customerId);
      if (!list) held.set(customerId, (list = []));
      list.push({ code, expiresAtMs: expiresAt, minSpend: typeof payload.minSpend === 'number' ? payload.minSpend : 0 });
    },
  });
  return {
    decorate(events) {
      return events.map((e) => {
        if (e.type !== 'purchase' || hash(e.id) % oneIn !== 0) return e;
        const list = held.get(e.customerId);
        const at = Date.parse(e.occurredAt);
        const i = list?.findIndex((c) => c.expiresAtMs > at && c.minSpend <= e.data.amount) ?? -1;
        if (!list || i < 0) return e;
        const [coupon] = list.splice(i, 1);
        attached++;
        return { ...e, data: { ...e.data, couponCodes: [...(e.data.couponCodes ?? []), coupon!.code] } };
      });
    },
    attached: () => attached,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}
