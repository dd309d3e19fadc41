import type { CliIo, CommandRunner } from './cli-io.js';

interface CommandEntry {
  /** Words that select the command, e.g. ['rules', 'lint']. */
  words: string[];
  summary: string;
  load: () => Promise<{ run: CommandRunner }>;
}

const commands: CommandEntry[] = [
  { words: ['rules', 'lint'], summary: 'rules lint [dir]  check rule files, one line per problem', load: () => import('./commands/rules-lint.js') },
  { words: ['rules', 'test'], summary: 'rules test [dir]  run rule fixtures in rules/tests', load: () => import('./commands/rules-test.js') },
  { words: ['simulate'], summary: 'simulate --rules DIR --events FILE|- [--clock daily] [--explain] [--engine compiled|reference]', load: () => import('./commands/simulate.js') },
  { words: ['import', 'online-retail'], summary: 'import online-retail FILE.csv.gz [--out FILE]  turn the UCI Online Retail CSV into events JSONL', load: () => import('./commands/import-online-retail.js') },
  { words: ['wallet'], summary: 'wallet <customerId>  balance, tier, coupons and last ledger entries', load: () => import('./commands/wallet.js') },
  { words: ['ledger', 'verify'], summary: 'ledger verify [customerId]  walk the points hash chain, exit 1 on a break', load: () => import('./commands/ledger-verify.js') },
];

function usage(): string {
  return ['usage: incentive <command>', '', ...commands.map((c) => `  ${c.summary}`), ''].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const entry = commands.find((c) => c.words.every((w, i) => argv[i] === w));
  if (!entry) {
    io.stderr.write(argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' ? usage() : `unknown command: ${argv.join(' ')}\n\n${usage()}`);
    return argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' ? 0 : 2;
  }
  let mod: { run: CommandRunner };
  try {
    mod = await entry.load();
  } catch (err) {
    io.stderr.write(`command ${entry.words.join(' ')} is not available: ${(err as Error).message}\n`);
    return 2;
  }
  return mod.run(argv.slice(entry.words.length), io);
}
