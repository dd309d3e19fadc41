import { connectLedger, createModels, getWalletView } from '@incentive/ledger';
import type { CommandRunner } from '../cli-io.js';

const USAGE = 'usage: incentive wallet <customerId> [--entries N] [--json]   (reads MONGO_URL, MONGO_DB)\n';

/** `wallet <customerId>`: balance, tier, badges, coupons and the last ledger entries. */
export const run: CommandRunner = async (argv, io) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  let entries = 10;
  let json = false;
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--entries') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) {
        io.stderr.write(`--entries: expected a whole number >= 0\n${USAGE}`);
        return 2;
      }
      entries = n;
    } else if (a.startsWith('-')) {
      io.stderr.write(`unknown option ${a}\n${USAGE}`);
      return 2;
    } else args.push(a);
  }
  if (args.length !== 1) {
    io.stderr.write(USAGE);
    return 2;
  }
  const customerId = args[0]!;
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
    const view = await getWalletView(createModels(connection), customerId, { now: new Date(), lastEntries: entries });
    if (!view) {
      io.stderr.write(`no wallet, coupons or ledger entries for customer ${customerId}\n`);
      return 1;
    }
    if (json) {
      io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `customer  ${view.customerId}`,
      `points    ${view.points}   (ledger head #${view.headSeq})`,
      `tier      ${view.tier ?? '-'}`,
      `badges    ${view.badges.length > 0 ? view.badges.join(', ') : '-'}`,
      '',
      `coupons (${view.coupons.length})`,
      ...view.coupons.map((c) => `  ${c.code}  ${c.status.padEnd(8)}  ${c.value}${c.minSpend !== null ? `, min spend ${c.minSpend}` : ''}  expires ${c.expiresAt.toISOString()}`),
      '',
      `last ${view.entries.length} ledger entries`,
      ...view.entries.map(
        (e) => `  #${String(e.seq).padEnd(5)} ${e.type.padEnd(8)} ${(e.points > 0 ? `+${e.points}` : String(e.points)).padStart(8)}  = ${String(e.balanceAfter).padStart(8)}  ${e.occurredAt}  ${e.rewardId}${e.orderId ? `  order ${e.orderId}` : ''}`,
      ),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await connection.close();
  }
};
