import mongoose, { type Connection } from 'mongoose';

/**
 * A dedicated mongoose connection. Commands are not buffered while disconnected: an outage must
 * surface as an error within the server selection timeout, so the consumer pauses and retries the
 * chunk instead of piling up writes in memory.
 */
export async function connectMongo(options: { url: string; dbName?: string; serverSelectionTimeoutMS: number; appName: string }): Promise<Connection> {
  const connection = mongoose.createConnection(options.url, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS,
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    appName: options.appName,
  });
  await connection.asPromise();
  return connection;
}
