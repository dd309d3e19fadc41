import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { CliIo, CommandRunner } from '../cli-io.js';
import { convertOnlineRetail, CsvFormatError, type OnlineRetailSummary } from '../import/online-retail.js';

const USAGE = 'usage: incentive import online-retail FILE.csv.gz [--out FILE]\n';

/** Lines of a (gzipped, if the name ends in .gz) text file, streamed. */
function readLines(path: string): { lines: AsyncIterable<string>; source: Readable } {
  const file = createReadStream(path);
  const source: Readable = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  // pipe() does not forward errors: a missing file must still fail the read.
  if (source !== file) file.on('error', (err) => source.destroy(err));
  return { lines: createInterface({ input: source, crlfDelay: Infinity }), source };
}

async function writeAll(out: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** JSONL in ~64 KB chunks: one write per line is the slow part of emitting 30k events. */
function* jsonlChunks(events: readonly unknown[]): Generator<string> {
  let buf = '';
  for (const e of events) {
    buf += `${JSON.stringify(e)}\n`;
    if (buf.length >= 65_536) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

function formatSummary(s: OnlineRetailSummary, seconds: number): string {
  const n = (x: number) => x.toLocaleString('en-GB');
  const lines = [
    `rows read        ${n(s.rowsRead)}`,
    `guest rows       ${n(s.guestRows)} skipped (no CustomerID)`,
    `invoices         ${n(s.invoices)} with a customer`,
    `purchases        ${n(s.purchases)}`,
    `refunds          ${n(s.refunds)} (${n(s.refundsMatched)} matched to an earlier invoice, ${n(s.refundsUnmatched)} refer to their own C number)`,
    `signups          ${n(s.signups)}`,
    `invalid skipped  ${n(s.invalidInvoices)} invoices (${n(s.invalidInvoices - s.invalidCancellations)} purchases, ${n(s.invalidCancellations)} cancellations)`,
    ...Object.entries(s.invalidReasons).map(([reason, count]) => `  ${n(count)} ${reason}`),
    ...(s.itemsMerged > 0 ? [`large invoices   ${n(s.itemsMerged)} over 500 lines (identical lines merged; ${n(s.itemsOmitted)} still over 500 sent without items)`] : []),
    `events written   ${n(s.events)} in ${seconds.toFixed(2)} s`,
  ];
  return `${lines.join('\n')}\n`;
}

export const run: CommandRunner = async (argv: string[], io: CliIo): Promise<number> => {
  let values: { out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(USAGE);
    return 2;
  }
  const input = resolve(io.cwd, positionals[0]!);
  const started = performance.now();
  const tty = io.stderr.isTTY === true;

  let result: Awaited<ReturnType<typeof convertOnlineRetail>>;
  const { lines, source } = readLines(input);
  try {
    result = await convertOnlineRetail(lines, {
      onProgress: tty ? (rows) => io.stderr.write(`\rreading ${input}: ${rows.toLocaleString('en-GB')} rows`) : undefined,
    });
  } catch (err) {
    source.destroy();
    if (tty) io.stderr.write('\n');
    const e = err as NodeJS.ErrnoException;
    const reason = err instanceof CsvFormatError ? err.message : e.code === 'ENOENT' ? 'no such file' : e.code === 'Z_DATA_ERROR' ? 'not a gzip file' : e.message;
    io.stderr.write(`import online-retail: ${positionals[0]}: ${reason}\n`);
    return 1;
  }
  if (tty) io.stderr.write('\r\x1b[K');

  try {
    if (values.out) {
      const out = createWriteStream(resolve(io.cwd, values.out));
      const failed = once(out, 'error').then(([err]) => Promise.reject(err as Error));
      failed.catch(() => undefined);
      await Promise.race([writeAll(out, jsonlChunks(result.events)), failed]);
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
    } else {
      await writeAll(io.stdout, jsonlChunks(result.events));
    }
  } catch (err) {
    io.stderr.write(`import online-retail: cannot write ${values.out ?? 'stdout'}: ${(err as Error).message}\n`);
    return 1;
  }
  io.stderr.write(formatSummary(result.summary, (performance.now() - started) / 1000));
  return 0;
};
