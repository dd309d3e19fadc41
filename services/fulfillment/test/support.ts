import mongoose, { type Connection } from 'mongoose';
import type { Reward } from '@incentive/events';
import { createModels, ensureLedgerIndexes, type LedgerModels } from '@incentive/ledger';
import { uniqueMongoDbName } from '@incentive/testing';

export interface TestDb {
  connection: Connection;
  models: LedgerModels;
  dbName: string;
  drop(): Promise<void>;
}

export async function openTestDb(url = process.env.MONGO_URL!, dbName = uniqueMongoDbName('ful')): Promise<TestDb> {
  const connection = await mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 5_000, bufferCommands: false, autoIndex: false, autoCreate: false }).asPromise();
  const models = createModels(connection);
  await ensureLedgerIndexes(models);
  return {
    connection,
    models,
    dbName,
    async drop() {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}

let n = 0;
const base = (customerId: string, rewardId = `rw-${Date.now().toString(36)}-${n++}`) => ({
  rewardId,
  ruleId: 'rule-1',
  rulesetVersion: 'v1',
  customerId,
  sourceEventId: `ev-${rewardId}`,
  issuedAt: '2026-03-01T12:00:00Z',
});

export const points = (customerId: string, pts: number, extra: { rewardId?: string; orderId?: string; orderAmount?: number; expiresAt?: string } = {}): Reward => ({
  ...base(customerId, extra.rewardId),
  kind: 'points',
  points: pts,
  ...(extra.expiresAt !== undefined ? { expiresAt: extra.expiresAt } : {}),
  ...(extra.orderId !== undefined ? { orderId: extra.orderId } : {}),
  ...(extra.orderAmount !== undefined ? { orderAmount: extra.orderAmount } : {}),
});

export const coupon = (customerId: string, extra: { rewardId?: string; minSpend?: number; validDays?: number; codePrefix?: string } = {}): Reward => ({
  ...base(customerId, extra.rewardId),
  kind: 'coupon',
  percentOff: 10,
  validDays: extra.validDays ?? 30,
  ...(extra.minSpend !== undefined ? { minSpend: extra.minSpend } : {}),
  ...(extra.codePrefix !== undefined ? { codePrefix: extra.codePrefix } : {}),
});

export const clawback = (customerId: string, orderId: string, amount: number, rewardId?: string): Reward => ({
  ...base(customerId, rewardId),
  kind: 'clawback',
  orderId,
  amount,
  currency: 'EUR',
});
