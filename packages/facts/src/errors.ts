/** One problem in a config document; `pointer` is a JSON pointer into it ('' = the whole document). */
export interface ConfigProblem {
  pointer: string;
  message: string;
}

/**
 * A tiers or schedule document is invalid. Not retryable: the input must be fixed. `problems` lists
 * every problem found so a linter can print them all; `message` names the first.
 */
export class FactsConfigError extends Error {
  override readonly name = 'FactsConfigError';
  readonly retryable = false;
  constructor(
    readonly document: string,
    readonly problems: ConfigProblem[],
  ) {
    const first = problems[0];
    const where = first ? `${first.pointer || '(root)'}: ${first.message}` : 'invalid';
    const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
    super(`${document}: ${where}${more}`);
  }
}

/** An event reached the reducer in a shape it cannot use (the events package should have refused it). */
export class FactsInputError extends Error {
  override readonly name = 'FactsInputError';
  readonly retryable = false;
  constructor(
    readonly field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${reason}`, options);
  }
}
