import { connectLedger, createModels, verifyLedger } from '@incentive/ledger';
import type { CommandRunner } from '../cli-io.js';

const USAGE = 'usage: incentive ledger verify [customerId]   (reads MONGO_URL, MONGO_DB)\n';

/**
 * `ledger verify [customerId]`: walks the points hash chain(s). Exit 0 when intact; exit 1 naming
 * the first broken entry (customer, entry id, seq, reason); exit 2 on usage or connection errors.
 */
export const run: CommandRunner = async (argv, io) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 1 || argv.some((a) => a.startsWith('-'))) {
    io.stderr.write(USAGE);
    return 2;
  }
  const customerId = argv[0];
  if (!io.env.MONGO_URL) {
    io.stderr.write(`MONGO_URL is not set (e.g. mongodb://127.0.0.1:27017/incentive)\n`);
    return 2;
  }
  let connection;
  try {
    connection = await connectLedger({ url: io.env.MONGO_URL, ...(io.env.MONGO_DB ? { dbName: io.env.MONGO_DB } : {}), appName: 'incentive-cli' });
  } catch (err) {
    io.stderr.write(`cannot connect to MongoDB: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    const result = await verifyLedger(createModels(connection), customerId);
    if (!result.ok) {
      io.stdout.write(`BROKEN customer ${result.customerId} entry ${result.entryId} (seq ${result.seq}): ${result.reason}\n`);
      return 1;
    }
    io.stdout.write(`ok: ${result.entries} entries of ${result.customers} customer${result.customers === 1 ? '' : 's'}, every hash chain intact\n`);
    return 0;
  } finally {
    await connection.close();
  }
};
