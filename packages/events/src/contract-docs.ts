import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES, IncentiveEventSchema } from './events.js';
import { NotificationEventSchema } from './notification.js';
import { CUSTOMER_ID_PATTERN } from './primitives.js';
import { REWARD_KINDS, RewardSchema } from './reward.js';
import { PointsExpireRequestSchema } from './points-expiry.js';
import { DLQ_HEADERS, TOPICS } from './topics.js';

// Machine-readable contract documents generated from the zod schemas. `pnpm gen` writes them to
// schema/; contract-docs.test.ts fails when the committed files differ from what this produces.

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, target: 'draft-2020-12' | 'draft-07', id?: string): JsonSchema {
  // io: 'input' describes what producers may send: unknown extra fields are allowed (they are
  // tolerated and stripped by the parser), so no additionalProperties: false.
  const out = z.toJSONSchema(schema, { target, io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  return id ? { $schema: out.$schema, $id: id, ...out } : out;
}

const ID_BASE = 'https://incentive.dev/schema/';

/** File name (under schema/) → JSON Schema draft 2020-12 document. */
export function buildJsonSchemas(): Record<string, JsonSchema> {
  const files: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPES) {
    const name = `event.${type}.json`;
    files[name] = jsonSchema(EVENT_SCHEMAS[type], 'draft-2020-12', ID_BASE + name);
  }
  files['event.json'] = jsonSchema(IncentiveEventSchema, 'draft-2020-12', `${ID_BASE}event.json`);
  files['reward.json'] = jsonSchema(RewardSchema, 'draft-2020-12', `${ID_BASE}reward.json`);
  files['notification.json'] = jsonSchema(NotificationEventSchema, 'draft-2020-12', `${ID_BASE}notification.json`);
  files['points-expire.json'] = jsonSchema(PointsExpireRequestSchema, 'draft-2020-12', `${ID_BASE}points-expire.json`);
  return files;
}

function stripDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

const messageKey = {
  type: 'string',
  pattern: CUSTOMER_ID_PATTERN.source,
  description: 'The customer id: every record of a customer lands on the same partition, in order.',
};

function kafkaMessageBindings() {
  return { kafka: { key: messageKey, bindingVersion: '0.5.0' } };
}

const deadLetterHeaders = {
  type: 'object',
  required: Object.values(DLQ_HEADERS),
  properties: {
    [DLQ_HEADERS.originTopic]: { type: 'string', description: 'Topic the record was consumed from' },
    [DLQ_HEADERS.originPartition]: { type: 'string', pattern: '^[0-9]+$', description: 'Partition it was consumed from' },
    [DLQ_HEADERS.originOffset]: { type: 'string', pattern: '^[0-9]+$', description: 'Offset it was consumed at' },
    [DLQ_HEADERS.errorCode]: {
      type: 'string',
      description: 'Why it was rejected: invalid_json, too_large, forbidden_key, schema, or a consumer-specific code',
    },
    [DLQ_HEADERS.errorMessage]: { type: 'string', description: 'First offending field path and the reason, e.g. "data.amount: must be >= 0"' },
  },
};

/** AsyncAPI 3.0 document for the topics (JSON; AsyncAPI accepts JSON or YAML). */
export function buildAsyncApi(): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {};
  const messages: Record<string, unknown> = {};
  const eventMessageRefs: Record<string, unknown> = {};

  // Payloads in draft-07 form: the default AsyncAPI schema format is a superset of draft-07.
  for (const type of EVENT_TYPES) {
    const key = `${type.replace(/\./g, '-')}-event`;
    schemas[key] = stripDialect(jsonSchema(EVENT_SCHEMAS[type], 'draft-07'));
    messages[key] = {
      name: type,
      title: `${type} event`,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${key}` },
      bindings: kafkaMessageBindings(),
    };
    eventMessageRefs[key] = { $ref: `#/components/messages/${key}` };
  }
  schemas.reward = stripDialect(jsonSchema(RewardSchema, 'draft-07'));
  messages.reward = {
    name: 'reward',
    title: 'Reward',
    summary: `One of: ${REWARD_KINDS.join(', ')}`,
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/reward' },
    bindings: kafkaMessageBindings(),
  };
  schemas.pointsExpire = stripDialect(jsonSchema(PointsExpireRequestSchema, 'draft-07'));
  messages.pointsExpire = {
    name: 'points.expire',
    title: 'Points expiry request',
    summary: 'The scheduler asks fulfillment to expire points due by asOf; recognised by type "points.expire"',
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/pointsExpire' },
    bindings: kafkaMessageBindings(),
  };
  schemas.notification = stripDialect(jsonSchema(NotificationEventSchema, 'draft-07'));
  messages.notification = {
    name: 'notification',
    title: 'Notification',
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/notification' },
    bindings: kafkaMessageBindings(),
  };
  schemas['dead-letter-headers'] = deadLetterHeaders;
  messages['dead-letter'] = {
    name: 'dead-letter',
    title: 'Dead letter',
    summary: 'The original record, byte for byte (value and key), with the reason in headers.',
    contentType: 'application/octet-stream',
    headers: { $ref: '#/components/schemas/dead-letter-headers' },
    payload: { description: 'The rejected record value, unchanged (may be invalid JSON).' },
    bindings: kafkaMessageBindings(),
  };

  const channels = {
    events: {
      address: TOPICS.events,
      description: 'Customer events from upstream systems, the scheduler (clock events) and the rules engine (derived events).',
      messages: eventMessageRefs,
    },
    rewards: {
      address: TOPICS.rewards,
      description: 'Rewards decided by the rules engine (rewardId is deterministic, so consumers dedupe on it), and the scheduler\'s points.expire requests, keyed by customer so fulfillment applies both in order.',
      messages: { reward: { $ref: '#/components/messages/reward' }, pointsExpire: { $ref: '#/components/messages/pointsExpire' } },
    },
    eventsDlq: {
      address: TOPICS.eventsDlq,
      description: 'Events the rules engine could not accept (invalid or poison), with the reason.',
      messages: { 'dead-letter': { $ref: '#/components/messages/dead-letter' } },
    },
    rewardsDlq: {
      address: TOPICS.rewardsDlq,
      description: 'Rewards fulfillment could not apply, with the reason.',
      messages: { 'dead-letter': { $ref: '#/components/messages/dead-letter' } },
    },
    notifications: {
      address: TOPICS.notifications,
      description: 'Messages for customers about issued rewards and tier changes.',
      messages: { notification: { $ref: '#/components/messages/notification' } },
    },
  };

  const op = (action: 'send' | 'receive', channel: keyof typeof channels, summary: string) => ({
    action,
    channel: { $ref: `#/channels/${channel}` },
    summary,
  });

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Incentive engine topics',
      version: '1.0.0',
      description: 'Kafka topics of the incentive engine. Every record is keyed by customer id. Generated from @incentive/events; do not edit.',
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: 'localhost:9092', protocol: 'kafka', description: 'Development broker (scripts/stack)' },
    },
    channels,
    operations: {
      publishEvent: op('send', 'events', 'Upstream systems, the scheduler and the rules engine publish events'),
      consumeEvents: op('receive', 'events', 'The rules engine consumes events'),
      deadLetterEvent: op('send', 'eventsDlq', 'The rules engine dead-letters events it cannot accept'),
      publishReward: op('send', 'rewards', 'The rules engine publishes rewards'),
      consumeRewards: op('receive', 'rewards', 'Fulfillment consumes rewards'),
      deadLetterReward: op('send', 'rewardsDlq', 'Fulfillment dead-letters rewards it cannot apply'),
      publishNotification: op('send', 'notifications', 'Fulfillment publishes notifications'),
      requestPointsExpiry: op('send', 'rewards', 'The scheduler publishes points.expire requests'),
    },
    components: { schemas, messages },
  };
}

/** Everything `pnpm gen` writes, file name (under schema/) → content. */
export function buildContractFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, doc] of Object.entries(buildJsonSchemas())) files[name] = `${JSON.stringify(doc, null, 2)}\n`;
  files['asyncapi.json'] = `${JSON.stringify(buildAsyncApi(), null, 2)}\n`;
  return files;
}
