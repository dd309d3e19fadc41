/**
 * A condition that cannot be compiled (unknown operator, bad path, malformed node). Retrying cannot
 * help: the rule file must change. `pointer` is the JSON pointer of the offending node inside the
 * conditions, e.g. `/all/2/operator`.
 */
export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
  readonly retryable = false;
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${pointer || '/'}: ${reason}`);
  }
}

/**
 * A condition that json-rules-engine itself would reject at run time for this input, e.g. `in`
 * whose value (a fact reference) is a number, so `value.indexOf` does not exist. Not retryable:
 * the same facts fail the same way.
 */
export class ConditionEvaluationError extends Error {
  override readonly name = 'ConditionEvaluationError';
  readonly retryable = false;
  constructor(
    readonly pointer: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${pointer || '/'}: ${reason}`, options);
  }
}
