import type { Reward } from '@incentive/events';

/** Reward totals of one rule: what it would cost. */
export interface RuleTotals {
  rewards: number;
  points: number;
  coupons: number;
  /** Sum of percentOff over percent coupons (for the average). */
  percentOffSum: number;
  percentCoupons: number;
  /** Face value of amount-off coupons, per currency. */
  amountOff: Record<string, number>;
  gifts: Record<string, number>;
  badges: number;
  clawbacks: number;
  /** Refunded amounts whose points are reversed, per currency. */
  clawedBack: Record<string, number>;
}

export interface SimulationSummary {
  linesRead: number;
  blankLines: number;
  eventsAccepted: number;
  duplicates: number;
  rejected: number;
  /** Reason -> count, for invalid lines and events the pipeline could not process. */
  rejectedByReason: Map<string, number>;
  clockEvents: Record<string, number>;
  derivedEvents: number;
  eventsProcessed: number;
  ticks: number;
  firstEventAt: string | null;
  lastEventAt: string | null;
  rewards: number;
  byRule: Map<string, RuleTotals>;
  /** Rule id ('*' = the whole evaluation, json-rules-engine) -> events whose conditions threw. */
  conditionErrors: Map<string, number>;
  engine: string;
  rulesetVersion: string;
  elapsedMs: number;
}

export function emptySummary(engine: string, rulesetVersion: string): SimulationSummary {
  return {
    linesRead: 0,
    blankLines: 0,
    eventsAccepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: new Map(),
    clockEvents: {},
    derivedEvents: 0,
    eventsProcessed: 0,
    ticks: 0,
    firstEventAt: null,
    lastEventAt: null,
    rewards: 0,
    byRule: new Map(),
    conditionErrors: new Map(),
    engine,
    rulesetVersion,
    elapsedMs: 0,
  };
}

export function countReject(summary: SimulationSummary, reason: string): void {
  summary.rejected++;
  summary.rejectedByReason.set(reason, (summary.rejectedByReason.get(reason) ?? 0) + 1);
}

const add = (rec: Record<string, number>, key: string, n: number): void => {
  rec[key] = round2((rec[key] ?? 0) + n);
};

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function countReward(summary: SimulationSummary, r: Reward): void {
  summary.rewards++;
  let t = summary.byRule.get(r.ruleId);
  if (!t) {
    t = { rewards: 0, points: 0, coupons: 0, percentOffSum: 0, percentCoupons: 0, amountOff: {}, gifts: {}, badges: 0, clawbacks: 0, clawedBack: {} };
    summary.byRule.set(r.ruleId, t);
  }
  t.rewards++;
  switch (r.kind) {
    case 'points':
      t.points += r.points;
      break;
    case 'coupon':
      t.coupons++;
      if (r.percentOff !== undefined) {
        t.percentCoupons++;
        t.percentOffSum += r.percentOff;
      } else if (r.amountOff !== undefined) {
        add(t.amountOff, r.currency ?? '?', r.amountOff);
      }
      break;
    case 'gift':
      t.gifts[r.sku] = (t.gifts[r.sku] ?? 0) + 1;
      break;
    case 'badge':
      t.badges++;
      break;
    case 'clawback':
      t.clawbacks++;
      add(t.clawedBack, r.currency, r.amount);
      break;
  }
}

function costOf(t: RuleTotals): string {
  const parts: string[] = [];
  if (t.points > 0) parts.push(`${t.points} points`);
  if (t.percentCoupons > 0) parts.push(`${t.percentCoupons} coupons avg ${round2(t.percentOffSum / t.percentCoupons)}% off`);
  for (const [cur, v] of Object.entries(t.amountOff)) parts.push(`${t.coupons - t.percentCoupons} coupons ${v} ${cur} off`);
  for (const [sku, n] of Object.entries(t.gifts)) parts.push(`${n} x gift ${sku}`);
  if (t.badges > 0) parts.push(`${t.badges} badges`);
  for (const [cur, v] of Object.entries(t.clawedBack)) parts.push(`${t.clawbacks} clawbacks on ${v} ${cur} refunded`);
  return parts.join(', ');
}

/** The human summary printed on stderr. */
export function formatSummary(s: SimulationSummary): string {
  const lines: string[] = [];
  const clock = Object.entries(s.clockEvents)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  lines.push(`simulate: engine ${s.engine}, ruleset ${s.rulesetVersion.slice(0, 12)}, ${(s.elapsedMs / 1000).toFixed(2)} s`);
  lines.push(
    `events: ${s.linesRead} lines read, ${s.eventsAccepted} accepted, ${s.rejected} rejected, ${s.duplicates} duplicate ids skipped` +
      (s.blankLines > 0 ? `, ${s.blankLines} blank lines` : ''),
  );
  if (s.firstEventAt !== null) lines.push(`event time: ${s.firstEventAt} .. ${s.lastEventAt}`);
  lines.push(
    `processed: ${s.eventsProcessed} events (${s.derivedEvents} derived` + (s.ticks > 0 ? `; ${s.ticks} daily ticks raised ${clock || 'no clock events'}` : '') + ')',
  );
  if (s.rejectedByReason.size > 0) {
    lines.push('rejected by reason:');
    const reasons = [...s.rejectedByReason].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [reason, n] of reasons.slice(0, 20)) lines.push(`  ${String(n).padStart(8)}  ${reason}`);
    if (reasons.length > 20) lines.push(`  ... ${reasons.length - 20} more reasons`);
  }
  if (s.conditionErrors.size > 0) {
    lines.push('condition errors (rule not rewarded on those events):');
    for (const [rule, n] of [...s.conditionErrors].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(8)}  ${rule}`);
  }
  lines.push(`rewards: ${s.rewards}`);
  const rules = [...s.byRule].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const width = Math.max(4, ...rules.map(([id]) => id.length));
  if (rules.length > 0) {
    lines.push(`  ${'rule'.padEnd(width)}  ${'rewards'.padStart(8)}  cost`);
    for (const [id, t] of rules) lines.push(`  ${id.padEnd(width)}  ${String(t.rewards).padStart(8)}  ${costOf(t)}`);
  }
  return lines.join('\n') + '\n';
}
