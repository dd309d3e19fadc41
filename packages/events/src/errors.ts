import { NonRetryableError } from '@incentive/platform';

export type EventValidationCode = 'invalid_json' | 'too_large' | 'forbidden_key' | 'schema';

export interface ValidationIssue {
  /** Field path in JS notation, e.g. `data.items[3].quantity`; `""` for the whole document. */
  path: string;
  message: string;
}

/**
 * A message that no retry can fix: it goes to the dead-letter topic with this error's code and
 * message. `message` names the first offending path and the reason; `issues` lists them all.
 */
export class EventValidationError extends NonRetryableError {
  readonly code: EventValidationCode;
  readonly issues: ValidationIssue[];

  constructor(code: EventValidationCode, issues: ValidationIssue[], options?: { cause?: unknown }) {
    const first = issues[0];
    const head = first ? (first.path === '' ? first.message : `${first.path}: ${first.message}`) : code;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(head + more, options);
    this.name = 'EventValidationError';
    this.code = code;
    this.issues = issues;
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: EventValidationError };
