import type { Reward } from '@incentive/events';
import type { CustomerReport } from '../harness/customer-report.js';
import type { LedgerReport } from '../harness/ledger-report.js';

export interface DemoSummary {
  slice: { from: string; to: string; days: number; events: number; customers: number; label: string };
  /** Seconds from the first publish until the pipeline was quiescent. */
  wallSeconds: number;
  rewards: Reward[];
  /** Clock events the scheduler raised, by type (from its tick records), or null without a scheduler. */
  clockEvents: Record<string, number> | null;
  ledger: LedgerReport | null;
  customers: CustomerReport;
  runId: string;
  logFile: string;
  mongoUrl: string;
  /** Purchases the demo let carry a coupon their customer held (the data has none). */
  couponsAttached: number;
  redeemOneIn: number;
  /** The run's topics, keys and database were kept. */
  kept: boolean;
  services: string[];
}

const n = (x: number): string => x.toLocaleString('en-GB');
const gbp = (x: number): string => `£${x.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function table(rows: string[][], align: ('l' | 'r')[]): string[] {
  const widths = align.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()}`);
}

function what(kind: Reward['kind'], list: Reward[]): string {
  switch (kind) {
    case 'points':
      return `${n(list.reduce((s, r) => s + (r.kind === 'points' ? r.points : 0), 0))} points`;
    case 'coupon': {
      const first = list[0];
      if (first?.kind !== 'coupon') return '';
      return first.percentOff !== undefined ? `${first.percentOff}% off coupons` : `${gbp(first.amountOff ?? 0)} off coupons`;
    }
    case 'gift':
      return list[0]?.kind === 'gift' ? list[0].name : 'gifts';
    case 'badge':
      return list[0]?.kind === 'badge' ? `badge "${list[0].badge}"` : 'badges';
    case 'clawback':
      return `points reversed on ${gbp(list.reduce((s, r) => s + (r.kind === 'clawback' ? r.amount : 0), 0))} refunded`;
  }
}

/** The closing report, in words a marketing manager reads without a glossary. */
export function formatSummary(s: DemoSummary): string {
  const out: string[] = [];
  const clockTotal = Object.values(s.clockEvents ?? {}).reduce((a, b) => a + b, 0);
  const eventsPerSecond = s.wallSeconds > 0 ? (s.slice.events + clockTotal) / s.wallSeconds : 0;
  out.push('', `══ Incentive engine demo: ${s.slice.label} of Online Retail ══`, '');
  out.push(`Replayed ${n(s.slice.events)} events (${n(s.slice.customers)} customers, ${s.slice.from} to ${s.slice.to}, ${n(s.slice.days)} days)`);
  const path = ['Kafka', 'rules-engine', ...(s.services.includes('fulfillment') ? ['fulfillment', 'MongoDB'] : [])];
  out.push(`through ${path.join(' → ')} in ${s.wallSeconds.toFixed(1)} s wall time: ${n(Math.round(eventsPerSecond))} events/s end to end`);
  out.push(`(purchases, refunds and signups plus the scheduler's clock events, until every reward was in ${s.services.includes('fulfillment') ? 'MongoDB' : 'the rewards topic'}).`);
  if (s.clockEvents) {
    const parts = Object.entries(s.clockEvents).map(([type, count]) => `${n(count)} ${type}`);
    out.push(`The scheduler's clock moved through ${n(s.slice.days - 1)} midnights, raising ${parts.length > 0 ? parts.join(', ') : 'no'} clock events.`);
  }

  const byRule = new Map<string, Reward[]>();
  for (const r of s.rewards) {
    const key = `${r.ruleId}\u0000${r.kind}`;
    let list = byRule.get(key);
    if (!list) byRule.set(key, (list = []));
    list.push(r);
  }
  const rows = [...byRule.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([key, list]) => {
      const [ruleId, kind] = key.split('\u0000') as [string, Reward['kind']];
      return [ruleId, kind, n(list.length), what(kind, list)];
    });
  const customersRewarded = new Set(s.rewards.map((r) => r.customerId)).size;
  out.push('', `Rewards issued: ${n(s.rewards.length)} to ${n(customersRewarded)} customers`);
  out.push(...table([['rule', 'kind', 'count', 'what'], ...rows], ['l', 'l', 'r', 'l']));

  if (s.ledger) {
    const l = s.ledger;
    out.push('', 'Coupons');
    out.push(`  issued ${n(l.coupons.issued)}, redeemed ${n(l.coupons.redeemed)}, expired ${n(l.coupons.expired)}, still open ${n(l.coupons.open)}`);
    if (s.couponsAttached > 0) {
      const refused = Object.entries(l.redemptions.byReason).map(([reason, c]) => `${n(c)} ${reason.replace(/_/g, ' ')}`);
      out.push(`  (the data has no coupon codes: the demo let 1 in ${s.redeemOneIn} purchases by a customer holding a valid coupon use it;`);
      out.push(`   ${n(s.couponsAttached)} codes presented, ${n(l.redemptions.accepted)} accepted${refused.length > 0 ? `, refused: ${refused.join(', ')}` : ''})`);
    }
    out.push('', 'Points');
    out.push(`  earned ${n(l.points.earned)}, clawed back ${n(l.points.clawedBack)} on refunds, expired ${n(l.points.expired)}`);
    out.push(`  outstanding balance ${n(l.points.outstanding)} across ${n(l.wallets)} wallets (ledger entries: ${n(l.points.entries)})`);
    out.push('', 'Gifts');
    out.push(`  ${n(l.gifts.orders)} gift orders to ship` + (Object.keys(l.gifts.bySku).length > 0 ? `: ${Object.entries(l.gifts.bySku).map(([sku, c]) => `${n(c)} × ${sku}`).join(', ')}` : ''));
  } else {
    out.push('', '(fulfillment is not available in this checkout: coupons, points and gifts were not written to MongoDB)');
  }

  const c = s.customers;
  const pct = (x: number) => (c.customers > 0 ? `${((100 * x) / c.customers).toFixed(0)}%` : '');
  out.push('', `Customers: ${n(c.customers)}`);
  const segRows = Object.entries(c.bySegment).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, n(v), pct(v)]);
  const tierOrder = ['platinum', 'gold', 'silver', 'bronze', 'none'];
  const tierRows = Object.entries(c.byTier).sort((a, b) => tierOrder.indexOf(a[0]) - tierOrder.indexOf(b[0])).map(([k, v]) => [k, n(v), pct(v)]);
  out.push('  by segment', ...table(segRows, ['l', 'r', 'r']).map((l) => `  ${l}`));
  out.push('  by tier', ...table(tierRows, ['l', 'r', 'r']).map((l) => `  ${l}`));

  out.push('', s.kept
    ? `Run ${s.runId} is kept: topics ${s.runId}.incentive.*, Redis keys ${s.runId}:*, MongoDB database ${s.runId} (--cleanup deletes them)`
    : `Run ${s.runId}: topics, Redis keys and database are deleted at exit (--cleanup).`);
  if (s.kept && s.ledger) {
    const counts = new Map<string, number>();
    for (const r of s.rewards) counts.set(r.customerId, (counts.get(r.customerId) ?? 0) + 1);
    const busiest = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    if (busiest) {
      out.push(`Look at one customer's wallet and verify the points ledger:`);
      out.push(`  MONGO_URL=${s.mongoUrl} MONGO_DB=${s.runId} pnpm incentive wallet ${busiest}`);
      out.push(`  MONGO_URL=${s.mongoUrl} MONGO_DB=${s.runId} pnpm incentive ledger verify`);
    }
  }
  out.push(`Service logs (${s.services.join(', ')}): ${s.logFile}`, '');
  return out.join('\n');
}
