import type { Connection } from 'mongoose';

export interface LedgerReport {
  coupons: { issued: number; redeemed: number; expired: number; open: number };
  redemptions: { accepted: number; rejected: number };
  points: { earned: number; clawedBack: number; expired: number; outstanding: number; entries: number };
  wallets: number;
  gifts: { orders: number; bySku: Record<string, number> };
  rewards: number;
}

/** What fulfillment wrote to the run's database. */
export async function ledgerReport(_connection: Connection): Promise<LedgerReport> {
  throw new Error('ledgerReport: waiting for @incentive/ledger models');
}
