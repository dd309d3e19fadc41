import mongoose, { type Connection } from 'mongoose';

export interface LedgerConnectionOptions {
  /** mongodb://host:port/<db> */
  url: string;
  /** Overrides the database in the URL. */
  dbName?: string;
  /** How fast an unreachable server surfaces as an error. */
  serverSelectionTimeoutMS?: number;
  appName?: string;
}

/**
 * A dedicated mongoose connection for the ledger models. Commands are not buffered while
 * disconnected: an outage surfaces as an error within the server selection timeout, so callers
 * retry (the worker pauses its partition) instead of piling up writes in memory.
 */
export async function connectLedger(options: LedgerConnectionOptions): Promise<Connection> {
  if (!/^mongodb(\+srv)?:\/\//.test(options.url)) throw new Error('MONGO_URL: must start with mongodb:// or mongodb+srv://');
  const connection = mongoose.createConnection(options.url, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    ...(options.appName ? { appName: options.appName } : {}),
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
  return connection;
}
