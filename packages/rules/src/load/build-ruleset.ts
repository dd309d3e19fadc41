import { EVENT_TYPES } from '@incentive/events';
import type { EventType } from '@incentive/events';
import type { CustomerFacts, FactsConfig } from '@incentive/facts';
import type { ZodType } from 'zod';
import { compileConditions, OPERATORS } from '../engine/index.js';
import type { TopLevelCondition } from '../engine/index.js';
import type { FieldShape } from '../schema/known-facts.js';
import { CALENDAR_FACTS, CUSTOMER_FACTS, eventShape, mergeShapes, resolveShape } from '../schema/known-facts.js';
import type { RewardSpec, RuleDefinition, ScheduleDefinition, SegmentDefinition, TierDefinition } from '../schema/rule-schema.js';
import { issueMessage, rewardSpecSchema, ruleFileSchema, ruleSchema, scheduleSchema, segmentsFileSchema, tiersFileSchema, toPointer } from '../schema/rule-schema.js';
import { parseWindow } from '../schema/windows.js';
import { parseTemplate } from '../template/message-template.js';
import type { TemplatePart } from '../template/message-template.js';
import type { LintProblem, LoadResult, RewardTemplate, RuleLimitsSpec, RuleSpec, SegmentSpec } from '../ruleset.js';
import { contentVersion } from './canonical-json.js';
import { lintConditions } from './lint-conditions.js';
import { parseJsonWithPosition } from './parse-json.js';
import { instantOf } from './zoned-time.js';

export const SEGMENTS_FILE = 'segments.json';
export const TIERS_FILE = 'tiers.json';
export const SCHEDULE_FILE = 'schedule.json';
export const INCENTIVES_DIR = 'incentives';
export const DEFAULT_SEGMENT = 'regular';

const OPERATOR_NAMES: ReadonlySet<string> = new Set(OPERATORS);
const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** Fields a message placeholder `{{reward.x}}` may name, per reward kind. */
const REWARD_PLACEHOLDER_FIELDS: Record<RewardSpec['kind'], FieldShape> = {
  points: { points: 'number', orderId: 'string', orderAmount: 'number', expiresAt: 'string' },
  coupon: { percentOff: 'number', amountOff: 'number', currency: 'string', minSpend: 'number', validDays: 'number', codePrefix: 'string', expiresAt: 'string' },
  gift: { sku: 'string', name: 'string' },
  badge: { badge: 'string' },
  clawback: { orderId: 'string', amount: 'number', currency: 'string' },
};

/**
 * Validates and normalises the content of a rules directory, given as relative path -> file text
 * (`segments.json`, `tiers.json`, `schedule.json`, `incentives/*.json`). Returns every problem, or
 * the ruleset; never a partial ruleset.
 */
export function buildRuleset(files: ReadonlyMap<string, string>): LoadResult {
  const problems: LintProblem[] = [];
  const add = (file: string, pointer: string, message: string): void => {
    problems.push({ file, pointer, message });
  };
  const parsedFiles = new Map<string, unknown>();

  const readJson = (file: string): unknown => {
    const text = files.get(file);
    if (text === undefined) {
      add(file, '', 'file is missing');
      return undefined;
    }
    const r = parseJsonWithPosition(text);
    if (!r.ok) {
      add(file, '', `invalid JSON at line ${r.line}, column ${r.column}: ${r.message}`);
      return undefined;
    }
    parsedFiles.set(file, r.value);
    return r.value;
  };

  const check = <T>(schema: ZodType<T>, value: unknown, file: string, base: string): T | undefined => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) add(file, base + toPointer(issue.path), issueMessage(issue));
    return undefined;
  };

  // schedule.json
  const scheduleRaw = readJson(SCHEDULE_FILE);
  const schedule: ScheduleDefinition | undefined = scheduleRaw === undefined ? undefined : check(scheduleSchema, scheduleRaw, SCHEDULE_FILE, '');
  if (schedule) {
    const seen = new Set<number>();
    schedule.inactivityDays.forEach((d, i) => {
      if (seen.has(d)) add(SCHEDULE_FILE, `/inactivityDays/${i}`, `duplicate threshold ${d}`);
      seen.add(d);
    });
  }
  const timeZone = schedule?.timezone ?? 'UTC';

  // tiers.json
  const tiersRaw = readJson(TIERS_FILE);
  const tiers: TierDefinition[] | undefined = tiersRaw === undefined ? undefined : check(tiersFileSchema, tiersRaw, TIERS_FILE, '');
  if (tiers) {
    const seen = new Set<string>();
    tiers.forEach((t, i) => {
      if (seen.has(t.id)) add(TIERS_FILE, `/${i}/id`, `duplicate tier id "${t.id}"`);
      seen.add(t.id);
      const prev = tiers[i - 1];
      if (prev && t.minSpend12m <= prev.minSpend12m) {
        add(TIERS_FILE, `/${i}/minSpend12m`, `must be greater than the previous tier's ${prev.minSpend12m} (tiers are listed ascending)`);
      }
    });
    if (tiers[0] && tiers[0].minSpend12m !== 0) add(TIERS_FILE, '/0/minSpend12m', 'the first tier must start at 0 so every customer has a tier');
  }
  const tierIds = tiers ? new Set(tiers.map((t) => t.id)) : undefined;

  // segments.json
  const segmentsRaw = readJson(SEGMENTS_FILE);
  const segments: SegmentDefinition[] | undefined = segmentsRaw === undefined ? undefined : check(segmentsFileSchema, segmentsRaw, SEGMENTS_FILE, '');
  const segmentIds = new Set<string>([DEFAULT_SEGMENT]);
  if (segments) {
    segments.forEach((s, i) => {
      if (s.id === DEFAULT_SEGMENT) add(SEGMENTS_FILE, `/${i}/id`, `"${DEFAULT_SEGMENT}" is the fallback segment and cannot be defined`);
      else if (segmentIds.has(s.id)) add(SEGMENTS_FILE, `/${i}/id`, `duplicate segment id "${s.id}"`);
      segmentIds.add(s.id);
    });
    const customerOnly = new Map<string, FieldShape>([['customer', CUSTOMER_FACTS]]);
    segments.forEach((s, i) => {
      for (const p of lintConditions(s.conditions, { facts: customerOnly, operators: OPERATOR_NAMES, tierIds, segmentIds })) {
        add(SEGMENTS_FILE, `/${i}/conditions${p.pointer}`, p.message);
      }
      for (const p of selfReferences(s.conditions)) {
        add(SEGMENTS_FILE, `/${i}/conditions${p}`, 'a segment cannot depend on the segment being computed (segment, segmentChanged)');
      }
    });
  }

  // incentives/*.json
  const ruleFiles = [...files.keys()].filter((f) => f.startsWith(`${INCENTIVES_DIR}/`) && f.endsWith('.json')).sort();
  const firstSeen = new Map<string, string>();
  const rules: RuleSpec[] = [];
  for (const file of ruleFiles) {
    const raw = readJson(file);
    if (raw === undefined) continue;
    const list = check(ruleFileSchema, raw, file, '');
    if (!list) continue;
    list.forEach((entry, i) => {
      const rule = lintRule(entry, file, `/${i}`, { add, check, tierIds, segmentIds, timeZone, firstSeen });
      if (rule) rules.push(rule);
    });
  }

  if (problems.length > 0 || !schedule || !tiers || !segments) return { ok: false, problems };

  const segmentSpecs = segments as SegmentSpec[];
  const factsConfig: FactsConfig = {
    tiers: tiers.map((t) => ({ id: t.id, minSpend12m: t.minSpend12m })),
    classifySegment: compileSegmentClassifier(segmentSpecs),
  };
  const scheduleConfig = { timezone: schedule.timezone, inactivityDays: [...schedule.inactivityDays].sort((a, b) => a - b), ...(schedule.pointsExpireAfterDays !== undefined ? { pointsExpireAfterDays: schedule.pointsExpireAfterDays } : {}) };
  return {
    ok: true,
    ruleset: {
      version: contentVersion(parsedFiles),
      rules,
      segments: segmentSpecs,
      tiers: factsConfig.tiers,
      schedule: scheduleConfig,
      factsConfig,
    },
  };
}

/** First matching segment id in file order, else "regular". */
export function compileSegmentClassifier(segments: readonly SegmentSpec[]): (facts: CustomerFacts) => string {
  const compiled = segments.map((s) => ({ id: s.id, test: compileConditions(s.conditions) }));
  return (facts) => {
    const input = { customer: facts };
    for (const s of compiled) if (s.test(input)) return s.id;
    return DEFAULT_SEGMENT;
  };
}

function selfReferences(conditions: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, ptr: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((c, i) => walk(c, `${ptr}/${i}`));
      return;
    }
    const o = node as Record<string, unknown>;
    if (o.fact === 'customer' && (o.path === '$.segment' || o.path === '$.segmentChanged')) out.push(`${ptr}/path`);
    for (const k of ['all', 'any', 'not', 'value'] as const) if (k in o) walk(o[k], `${ptr}/${k}`);
  };
  walk(conditions, '');
  return out;
}

interface RuleLintDeps {
  add: (file: string, pointer: string, message: string) => void;
  check: <T>(schema: ZodType<T>, value: unknown, file: string, base: string) => T | undefined;
  tierIds: ReadonlySet<string> | undefined;
  segmentIds: ReadonlySet<string>;
  timeZone: string;
  firstSeen: Map<string, string>;
}

function lintRule(entry: unknown, file: string, ptr: string, deps: RuleLintDeps): RuleSpec | undefined {
  const { add, check } = deps;
  const parsed: RuleDefinition | undefined = check(ruleSchema, entry, file, ptr);
  let ok = parsed !== undefined;
  const fail = (pointer: string, message: string): void => {
    ok = false;
    add(file, ptr + pointer, message);
  };
  // When the shape is wrong somewhere, still check what can be checked (conditions, rewards), so
  // one run lists every problem of the rule.
  const def: RuleDefinition = parsed ?? bestEffort(entry);

  const seenAt = def.id ? deps.firstSeen.get(def.id) : undefined;
  if (!def.id) {
    // reported by the schema
  } else if (seenAt) fail('/id', `duplicate rule id "${def.id}" (first defined at ${seenAt})`);
  else deps.firstSeen.set(def.id, `${file}:${ptr}`);

  const types: EventType[] = [];
  def.on.forEach((t, i) => {
    if (!KNOWN_EVENT_TYPES.has(t)) fail(`/on/${i}`, `unknown event type "${t}" (known: ${EVENT_TYPES.join(', ')})`);
    else if (types.includes(t as EventType)) fail(`/on/${i}`, `event type "${t}" is listed twice`);
    else types.push(t as EventType);
  });

  let activeFromMs = Number.NEGATIVE_INFINITY;
  let activeUntilMs = Number.POSITIVE_INFINITY;
  if (def.activeFrom !== undefined) activeFromMs = instantOf(def.activeFrom, deps.timeZone);
  if (def.activeUntil !== undefined) activeUntilMs = instantOf(def.activeUntil, deps.timeZone);
  if (Number.isNaN(activeFromMs) || Number.isNaN(activeUntilMs)) ok = false;
  else if (activeFromMs >= activeUntilMs) fail('/activeUntil', `activeUntil (${def.activeUntil}) must be after activeFrom (${def.activeFrom})`);

  // Conditions over event (the types in `on`), customer, calendar.
  const evShape = mergeShapes(types.map((t) => eventShape(t)).filter((s): s is FieldShape => s !== undefined));
  const facts = new Map<string, FieldShape>([
    ['event', evShape ?? 'any'],
    ['customer', CUSTOMER_FACTS],
    ['calendar', CALENDAR_FACTS],
  ]);
  const describeFact = (f: string): string => (f === 'event' ? `event types ${types.join(', ') || '(none)'}` : `fact "${f}"`);
  for (const p of lintConditions(def.conditions, { facts, describeFact, operators: OPERATOR_NAMES, tierIds: deps.tierIds, segmentIds: deps.segmentIds })) {
    fail(`/conditions${p.pointer}`, p.message);
  }
  if (ok) {
    try {
      compileConditions(def.conditions as TopLevelCondition);
    } catch (err) {
      const pointer = (err as { pointer?: unknown }).pointer;
      fail(`/conditions${typeof pointer === 'string' ? pointer : ''}`, (err as { reason?: string }).reason ?? (err as Error).message);
    }
  }

  const lintMessage = (message: string, kind: RewardSpec['kind'], rptr: string): TemplatePart[] | undefined => {
    const t = parseTemplate(message);
    if (!t.ok) {
      fail(`${rptr}/message`, t.message);
      return undefined;
    }
    for (const part of t.parts) {
      if (typeof part === 'string') continue;
      const shape = part.root === 'reward' ? REWARD_PLACEHOLDER_FIELDS[kind] : facts.get(part.root);
      if (shape === undefined || resolveShape(shape, part.segments) === undefined) {
        const what = part.root === 'reward' ? `a ${kind} reward` : part.root === 'event' ? describeFact('event') : `fact "${part.root}"`;
        fail(`${rptr}/message`, `placeholder {{${part.source}}} names an unknown field of ${what}`);
      }
    }
    return t.parts;
  };

  // Rewards.
  const rawRewards = Array.isArray(def.reward) ? def.reward : [def.reward];
  if (parsed && rawRewards.length === 0) fail('/reward', 'must hold at least one reward');
  const rewards: RewardTemplate[] = [];
  rawRewards.forEach((raw, i) => {
    const rptr = Array.isArray(def.reward) ? `/reward/${i}` : '/reward';
    const spec = check(rewardSpecSchema, raw, file, ptr + rptr);
    if (!spec) {
      ok = false;
      // Still check the message placeholders of a reward that is wrong elsewhere.
      const r = raw as { kind?: unknown; message?: unknown } | null;
      if (r && typeof r === 'object' && typeof r.message === 'string' && typeof r.kind === 'string' && r.kind in REWARD_PLACEHOLDER_FIELDS) {
        lintMessage(r.message, r.kind as RewardSpec['kind'], rptr);
      }
      return;
    }
    const onlyPurchase = types.length > 0 && types.every((t) => t === 'purchase');
    const onlyRefund = types.length > 0 && types.every((t) => t === 'refund');
    if (spec.kind === 'points' && spec.perUnit !== undefined && !onlyPurchase) {
      fail(`${rptr}/perUnit`, `perUnit points need a purchase amount: the rule must trigger on "purchase" only (on: ${types.join(', ')})`);
    }
    if (spec.kind === 'clawback' && !onlyRefund) {
      fail(`${rptr}/kind`, `clawback reverses points of a refunded order: the rule must trigger on "refund" only (on: ${types.join(', ')})`);
    }
    const messageParts = spec.message === undefined ? undefined : lintMessage(spec.message, spec.kind, rptr);
    rewards.push(messageParts ? { ...spec, messageParts } : spec);
  });

  // Limits.
  let limits: RuleLimitsSpec | null = null;
  if (def.limits) {
    limits = {};
    for (const key of ['perCustomer', 'total'] as const) {
      const l = def.limits[key];
      if (!l) continue;
      const w = parseWindow(l.window);
      if (w.ok) limits[key] = { count: l.count, window: w.window, windowText: l.window };
    }
    const b = def.limits.budget;
    if (b) {
      const w = parseWindow(b.window);
      if (w.ok) limits.budget = { points: b.points, window: w.window, windowText: b.window };
      if (!rewards.some((r) => r.kind === 'points')) fail('/limits/budget', 'a points budget needs a points reward in this rule');
    }
    if (!limits.perCustomer && !limits.total && !limits.budget) limits = null;
  }

  if (!ok) return undefined;
  return {
    id: def.id,
    ...(def.description !== undefined ? { description: def.description } : {}),
    on: types,
    priority: def.priority,
    enabled: def.enabled,
    activeFromMs,
    activeUntilMs,
    group: def.group ?? null,
    conditions: def.conditions as TopLevelCondition,
    rewards,
    limits,
    source: { file, pointer: ptr },
  };
}

function bestEffort(entry: unknown): RuleDefinition {
  const raw = (entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? entry : {}) as Record<string, unknown>;
  return {
    id: typeof raw.id === 'string' ? raw.id : '',
    on: Array.isArray(raw.on) ? raw.on.filter((t): t is string => typeof t === 'string') : [],
    priority: 0,
    enabled: true,
    conditions: raw.conditions ?? { all: [] },
    reward: raw.reward ?? [],
    ...(typeof raw.activeFrom === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw.activeFrom) ? { activeFrom: raw.activeFrom } : {}),
    ...(typeof raw.activeUntil === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw.activeUntil) ? { activeUntil: raw.activeUntil } : {}),
  };
}
