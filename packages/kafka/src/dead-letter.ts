import type { IHeaders, Producer, RecordMetadata } from 'kafkajs';
import { DLQ_HEADERS } from '@incentive/events';

export type DeadLetterProducer = Pick<Producer, 'send'>;

/** The record that could not be processed, exactly as it was consumed. */
export interface OriginalRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export interface DeadLetterError {
  /** Stable machine-readable reason, e.g. `schema`, `invalid_json`, `too_large`. */
  code: string;
  message: string;
}

export interface PublishDeadLetterInput {
  topic: string;
  original: OriginalRecord;
  error: DeadLetterError;
}

/** Header names, shared with consumers of dead-letter topics through `@incentive/events`. */
export const DEAD_LETTER_HEADERS = DLQ_HEADERS;

// Headers travel with every fetch of the record; a multi-megabyte stack trace has no place there.
export const MAX_ERROR_MESSAGE_BYTES = 4096;

/**
 * Publishes the original record unchanged (same key, same value bytes, its own headers kept) to a
 * dead-letter topic, adding where it came from and why it was refused. Keeping the key keeps the
 * customer on the same partition number, so a replay tool can restore order per customer.
 */
export async function publishDeadLetter(
  producer: DeadLetterProducer,
  input: PublishDeadLetterInput,
): Promise<RecordMetadata[]> {
  const { original } = input;
  return producer.send({
    topic: input.topic,
    messages: [{ key: original.key, value: original.value, headers: deadLetterHeaders(original, input.error) }],
  });
}

/** The original headers plus the origin and reason headers (ours win on a name clash). */
export function deadLetterHeaders(original: OriginalRecord, error: DeadLetterError): IHeaders {
  return {
    ...original.headers,
    [DEAD_LETTER_HEADERS.originTopic]: original.topic,
    [DEAD_LETTER_HEADERS.originPartition]: String(original.partition),
    [DEAD_LETTER_HEADERS.originOffset]: original.offset,
    [DEAD_LETTER_HEADERS.errorCode]: error.code,
    [DEAD_LETTER_HEADERS.errorMessage]: truncateUtf8(error.message, MAX_ERROR_MESSAGE_BYTES),
  };
}

function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  // Decoding a cut multi-byte sequence yields U+FFFD; drop it rather than emit a broken char.
  return buf.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '') + '…';
}
