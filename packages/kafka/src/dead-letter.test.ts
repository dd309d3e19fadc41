import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, MAX_ERROR_MESSAGE_BYTES, deadLetterHeaders } from './dead-letter.js';

const original = {
  topic: 'incentive.events',
  partition: 4,
  offset: '1234',
  key: 'c-1',
  value: Buffer.from('{not json'),
  headers: { traceparent: '00-abc-01', [DEAD_LETTER_HEADERS.errorCode]: 'stale' },
};

describe('deadLetterHeaders', () => {
  it('keeps the original headers and adds origin and reason', () => {
    const headers = deadLetterHeaders(original, { code: 'invalid_json', message: 'Unexpected token n at position 1' });
    expect(headers).toEqual({
      traceparent: '00-abc-01',
      'x-origin-topic': 'incentive.events',
      'x-origin-partition': '4',
      'x-origin-offset': '1234',
      'x-error-code': 'invalid_json',
      'x-error-message': 'Unexpected token n at position 1',
    });
  });

  it('cuts an oversized error message on a character boundary', () => {
    const message = 'é'.repeat(MAX_ERROR_MESSAGE_BYTES); // 2 bytes each
    const cut = deadLetterHeaders(original, { code: 'schema', message })[DEAD_LETTER_HEADERS.errorMessage] as string;
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
    expect(Buffer.byteLength(cut.slice(0, -1))).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    expect(cut.length - 1).toBe(MAX_ERROR_MESSAGE_BYTES / 2);
  });
});
