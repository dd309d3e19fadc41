import type { Connection } from 'mongoose';
import { connectLedger } from '@incentive/ledger';

/** The worker's MongoDB connection (unbuffered, fast failure on outage: see connectLedger). */
export async function connectMongo(options: { url: string; dbName?: string; serverSelectionTimeoutMS: number; appName: string }): Promise<Connection> {
  return connectLedger(options);
}
