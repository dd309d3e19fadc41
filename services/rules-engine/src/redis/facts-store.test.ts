import { describe, expect, it } from 'vitest';
import { decodeOutbox, decodeRecord, encodeOutbox, encodeRecord, type OutboxMessage } from './facts-store.js';

describe('applied record encoding', () => {
  const messages: OutboxMessage[] = [
    { topic: 'rewards', key: 'c-1', value: JSON.stringify({ rewardId: 'r1', message: 'tab\there, "quotes", line\nbreak' }) },
    { topic: 'events', key: 'c-2', value: JSON.stringify({ id: 'derived:1', data: {} }) },
  ];

  it('round-trips JSON values without encoding them again', () => {
    const text = encodeOutbox(messages);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).not.toContain('\\"rewardId');
    expect(decodeOutbox(text)).toEqual(messages);
    expect(decodeOutbox(encodeOutbox([]))).toEqual([]);
  });

  it('stores a published record as an empty value, an unpublished one with its origin and outbox', () => {
    expect(encodeRecord('t/0/5', [])).toBe('');
    expect(decodeRecord('', 7)).toEqual({ origin: '', published: true, outbox: [], bucket: 7 });
    expect(decodeRecord(encodeRecord('t/0/5', messages), 7)).toEqual({ origin: 't/0/5', published: false, outbox: messages, bucket: 7 });
    expect(() => encodeRecord('t\n0', messages)).toThrow('origin must not contain a newline');
  });

  it('refuses a key or value that would break the line format', () => {
    expect(() => encodeOutbox([{ topic: 'rewards', key: 'a\tb', value: '{}' }])).toThrow('outbox message 0: key must not contain a tab or newline');
    expect(() => encodeOutbox([messages[0]!, { topic: 'events', key: 'c', value: '{\n}' }])).toThrow('outbox message 1');
  });
});
