import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAsyncApi, buildContractFiles, buildJsonSchemas } from './contract-docs.js';
import { EVENT_TYPES } from './events.js';
import { TOPICS } from './topics.js';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');

describe('generated contract documents', () => {
  it('match the committed files in schema/ (run `pnpm --filter @incentive/events gen` after changing a schema)', () => {
    const expected = buildContractFiles();
    const committed = readdirSync(schemaDir).filter((f) => f.endsWith('.json')).sort();
    expect(committed).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) {
      expect(readFileSync(join(schemaDir, name), 'utf8'), `schema/${name} is stale`).toBe(text);
    }
  });

  it('has one draft 2020-12 schema per event type plus reward and notification', () => {
    const files = buildJsonSchemas();
    for (const type of EVENT_TYPES) {
      const doc = files[`event.${type}.json`]!;
      expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect((doc.properties as Record<string, { const?: string }>).type!.const).toBe(type);
      expect(doc.required).toEqual(expect.arrayContaining(['id', 'type', 'customerId', 'occurredAt', 'data']));
    }
    expect(files['reward.json']!.oneOf ?? files['reward.json']!.anyOf).toHaveLength(5);
    expect(files['notification.json']!.required).toEqual(expect.arrayContaining(['customerId', 'kind', 'template', 'payload']));
  });

  it('describes every topic in AsyncAPI 3 with the customer id as key and the DLQ headers', () => {
    const doc = buildAsyncApi() as {
      asyncapi: string;
      channels: Record<string, { address: string }>;
      components: { messages: Record<string, { bindings: { kafka: { key: { pattern: string } } } }>; schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((c) => c.address).sort()).toEqual(Object.values(TOPICS).sort());
    for (const m of Object.values(doc.components.messages)) expect(m.bindings.kafka.key.pattern).toBe('^[A-Za-z0-9._:-]{1,128}$');
    expect(doc.components.schemas['dead-letter-headers']!.required).toEqual([
      'x-origin-topic',
      'x-origin-partition',
      'x-origin-offset',
      'x-error-code',
      'x-error-message',
    ]);
  });
});
