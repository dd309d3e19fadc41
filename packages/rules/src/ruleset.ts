import type { CustomerFacts, FactsConfig, ScheduleConfig, Tier } from '@incentive/facts';
import type { EventType } from '@incentive/events';
import type { TopLevelCondition } from './engine/index.js';
import type { LimitWindow } from './schema/windows.js';
import type { RewardSpec, SegmentDefinition } from './schema/rule-schema.js';
import type { TemplatePart } from './template/message-template.js';

/** One problem in a rules directory: file relative to the directory, JSON pointer inside it. */
export interface LintProblem {
  file: string;
  pointer: string;
  message: string;
}

export interface CountLimit {
  count: number;
  window: LimitWindow;
  /** As written, e.g. "P1M"; part of the limit key so a changed window starts a fresh counter. */
  windowText: string;
}

export interface BudgetLimit {
  points: number;
  window: LimitWindow;
  windowText: string;
}

export interface RuleLimitsSpec {
  perCustomer?: CountLimit;
  total?: CountLimit;
  budget?: BudgetLimit;
}

/** A reward as written plus its pre-parsed message template. */
export type RewardTemplate = RewardSpec & { messageParts?: TemplatePart[] };

/** A validated rule, normalised for evaluation (one shape whatever the file wrote). */
export interface RuleSpec {
  id: string;
  description?: string;
  on: EventType[];
  priority: number;
  enabled: boolean;
  /** Epoch ms, inclusive; -Infinity when open. */
  activeFromMs: number;
  /** Epoch ms, exclusive; +Infinity when open. */
  activeUntilMs: number;
  group: string | null;
  conditions: TopLevelCondition;
  rewards: RewardTemplate[];
  limits: RuleLimitsSpec | null;
  /** Where the rule was read from, for explain output and error messages. */
  source: { file: string; pointer: string };
}

export interface SegmentSpec extends SegmentDefinition {
  conditions: TopLevelCondition;
}

export interface Ruleset {
  /** Content hash of the rule files (sha256 of their canonical JSON), carried by every reward. */
  version: string;
  rules: RuleSpec[];
  segments: SegmentSpec[];
  tiers: readonly Tier[];
  schedule: ScheduleConfig;
  /** Tiers plus the compiled segment classifier, ready for `applyEvent`. */
  factsConfig: FactsConfig;
}

export type LoadResult = { ok: true; ruleset: Ruleset } | { ok: false; problems: LintProblem[] };

export type { CustomerFacts };
