import type { z } from 'zod';
import { meta, object, optional, record, str } from './field.js';
import { customerId } from './primitives.js';
import { parseJsonWith, parseWith } from './validate.js';
import type { ParseResult } from './errors.js';

export const notificationValidator = meta(
  object({
    customerId,
    /** What happened, e.g. `reward.issued`, `tier.changed`, `coupon.expiring`. */
    kind: str(1, 64),
    /** Template id the notification service renders, e.g. `coupon-issued`. */
    template: str(1, 128),
    /** Template variables; no personal data beyond what the template needs. */
    payload: record(),
    rewardId: optional(str(1, 256)),
  }),
  { title: 'Notification', description: 'A message for the customer, published to incentive.notifications' },
);

export const NotificationEventSchema = notificationValidator.zod;
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

const pickNotification = () => notificationValidator;

export function parseNotification(input: unknown): ParseResult<NotificationEvent> {
  return parseWith(input, pickNotification);
}

export function parseNotificationJson(text: string | Uint8Array): ParseResult<NotificationEvent> {
  return parseJsonWith(text, pickNotification);
}
