import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseEventJson, type IncentiveEvent } from '@incentive/events';
import type { CliIo } from '../cli-io.js';
import { run } from './import-online-retail.js';

function capture(opts: { tty?: boolean; cwd?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false });
  stdout.on('data', (c: Buffer) => out.push(c.toString('utf8')));
  stderr.on('data', (c: Buffer) => err.push(c.toString('utf8')));
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: opts.cwd ?? process.cwd() };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

function parseLines(jsonl: string): IncentiveEvent[] {
  return jsonl
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const r = parseEventJson(line);
      if (!r.ok) throw new Error(`invalid line ${line}: ${r.error.message}`);
      return r.value;
    });
}

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const FIXTURE_ROWS = [
  // 17850's first invoice, GMT (day before the clocks go forward); a description with a comma.
  '500001,85123A,"WHITE HANGING HEART, T-LIGHT",6,2011-03-26 09:00:00,2.55,17850.0,United Kingdom',
  '500001,71053,WHITE METAL LANTERN,2,2011-03-26 09:00:00,1.10,17850.0,United Kingdom',
  // Guest checkout: no CustomerID.
  '500002,22041,"RECORD FRAME 7"" SINGLE",48,2011-03-26 09:30:00,2.1,,United Kingdom',
  '500002,22042,FRAME,1,2011-03-26 09:30:00,2.1,,United Kingdom',
  // 12345, first day of BST; a 3-decimal price: 3 x 0.295 = 0.885 -> 0.89.
  '500003,PADS,PADS TO MATCH,3,2011-03-27 10:00:00,0.295,12345.0,France',
  // Cancellation of part of 500001 (same stock code) -> refund with orderId 500001.
  'C500004,85123A,WHITE HANGING HEART,-2,2011-04-01 11:00:00,2.55,17850.0,United Kingdom',
  // Cancellation with no earlier invoice holding the code -> orderId is its own number.
  'C500005,ZZZ,SOMETHING ELSE,-1,2011-10-30 10:00:00,4.00,12345.0,France',
  // A purchase with a negative line: invalid, skipped, and its customer gets no signup.
  '500007,A1,BAD,-3,2011-05-01 09:00:00,1.00,99999.0,Germany',
  // A date that does not exist: skipped as invalid.
  '500010,A1,WHATEVER,1,2011-02-30 09:00:00,1.00,17850.0,United Kingdom',
  // A customer whose first appearance is a cancellation.
  'C500008,POST,POSTAGE,-1,2011-05-01 10:00:00,15.00,55555.0,Spain',
  // An invoice whose lines straddle a minute keeps its first time.
  '500009,PADS,PADS TO MATCH,10,2011-06-01 12:00:00,0.295,12345.0,France',
  '500009,22041,FRAME,1,2011-06-01 12:01:00,2.10,12345.0,France',
  // Out of file order: 29 October (BST) sorts before C500005 on 30 October (GMT).
  '500006,71053,WHITE METAL LANTERN,1,2011-10-29 16:00:00,3.39,17850.0,United Kingdom',
];

function fixture(rows = FIXTURE_ROWS, header = HEADER): string {
  const dir = mkdtempSync(join(tmpdir(), 'online-retail-'));
  const file = join(dir, 'fixture.csv.gz');
  writeFileSync(file, gzipSync(`${header}\r\n${rows.join('\r\n')}\r\n`));
  return file;
}

describe('incentive import online-retail (fixture)', () => {
  it('turns invoices into purchases and refunds with signups, in time order, with UK offsets', async () => {
    const file = fixture();
    const out = join(mkdtempSync(join(tmpdir(), 'online-retail-out-')), 'events.jsonl');
    const c = capture();
    expect(await run([file, '--out', out], c.io)).toBe(0);
    expect(c.stdout()).toBe('');
    const events = parseLines(readFileSync(out, 'utf8'));

    expect(events.map((e) => [e.type, e.id, e.customerId, e.occurredAt])).toEqual([
      ['signup', 'online-retail:signup:17850', '17850', '2011-03-26T09:00:00+00:00'],
      ['purchase', 'online-retail:purchase:500001', '17850', '2011-03-26T09:00:00+00:00'],
      ['signup', 'online-retail:signup:12345', '12345', '2011-03-27T10:00:00+01:00'],
      ['purchase', 'online-retail:purchase:500003', '12345', '2011-03-27T10:00:00+01:00'],
      ['refund', 'online-retail:refund:C500004', '17850', '2011-04-01T11:00:00+01:00'],
      ['signup', 'online-retail:signup:55555', '55555', '2011-05-01T10:00:00+01:00'],
      ['refund', 'online-retail:refund:C500008', '55555', '2011-05-01T10:00:00+01:00'],
      ['purchase', 'online-retail:purchase:500009', '12345', '2011-06-01T12:00:00+01:00'],
      ['purchase', 'online-retail:purchase:500006', '17850', '2011-10-29T16:00:00+01:00'],
      ['refund', 'online-retail:refund:C500005', '12345', '2011-10-30T10:00:00+00:00'],
    ]);

    const byId = new Map(events.map((e) => [e.id, e]));
    expect(byId.get('online-retail:purchase:500001')!.data).toEqual({
      orderId: '500001',
      amount: 17.5,
      currency: 'GBP',
      items: [
        { sku: '85123A', quantity: 6, unitPrice: 2.55 },
        { sku: '71053', quantity: 2, unitPrice: 1.1 },
      ],
      channel: 'online',
    });
    expect(byId.get('online-retail:purchase:500003')!.data).toMatchObject({ amount: 0.89, items: [{ sku: 'PADS', quantity: 3, unitPrice: 0.295 }] });
    expect(byId.get('online-retail:purchase:500009')!.data).toMatchObject({ amount: 5.05 });
    expect(byId.get('online-retail:refund:C500004')!.data).toEqual({ orderId: '500001', amount: 5.1, currency: 'GBP' });
    expect(byId.get('online-retail:refund:C500005')!.data).toEqual({ orderId: 'C500005', amount: 4, currency: 'GBP' });
    expect(byId.get('online-retail:refund:C500008')!.data).toEqual({ orderId: 'C500008', amount: 15, currency: 'GBP' });

    const signup = byId.get('online-retail:signup:12345')!;
    expect(signup.type === 'signup' && signup.data.country).toBe('France');
    expect(signup.type === 'signup' && signup.data.birthday).toMatch(/^19\d\d-\d\d-\d\d$/);
    expect(events.some((e) => e.customerId === '99999')).toBe(false);

    const summary = c.stderr();
    expect(summary).toMatch(/rows read +13\n/);
    expect(summary).toMatch(/guest rows +2 skipped/);
    expect(summary).toMatch(/invoices +9 with a customer/);
    expect(summary).toMatch(/purchases +4\n/);
    expect(summary).toMatch(/refunds +3 \(1 matched to an earlier invoice, 2 refer to their own C number\)/);
    expect(summary).toMatch(/signups +3\n/);
    expect(summary).toMatch(/invalid skipped +2 invoices \(2 purchases, 0 cancellations\)\n/);
    expect(summary).toMatch(/\n +1 purchase with a negative quantity\n/);
    expect(summary).toMatch(/\n +1 bad InvoiceDate\n/);
    expect(summary).toMatch(/events written +10 in/);
    expect(summary).not.toContain('\r');
  });

  it('writes JSONL to stdout without --out, identical to the file output, and the same on a rerun', async () => {
    const file = fixture();
    const a = capture();
    const b = capture();
    expect(await run([file], a.io)).toBe(0);
    expect(await run([file], b.io)).toBe(0);
    expect(parseLines(a.stdout())).toHaveLength(10);
    expect(a.stdout()).toBe(b.stdout());
  });

  it('reads a plain (not gzipped) CSV and a path relative to the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'online-retail-plain-'));
    writeFileSync(join(dir, 'plain.csv'), `${HEADER}\n${FIXTURE_ROWS.slice(0, 2).join('\n')}\n`);
    const c = capture({ cwd: dir });
    expect(await run(['plain.csv'], c.io)).toBe(0);
    expect(parseLines(c.stdout()).map((e) => e.type)).toEqual(['signup', 'purchase']);
  });

  it.each([
    [['nope.csv.gz'], 1, 'nope.csv.gz: no such file'],
    [[], 2, 'usage: incentive import online-retail'],
    [['a.gz', 'b.gz'], 2, 'usage:'],
    [['x.gz', '--bogus'], 2, "Unknown option '--bogus'"],
  ])('fails on %j with exit %i', async (argv, code, message) => {
    const c = capture({ cwd: mkdtempSync(join(tmpdir(), 'online-retail-err-')) });
    expect(await run(argv, c.io)).toBe(code);
    expect(c.stderr()).toContain(message);
  });

  it('refuses a file that is not gzip, a missing column, a broken quote and an unwritable --out, naming the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'online-retail-bad-'));
    writeFileSync(join(dir, 'text.csv.gz'), 'not gzip at all');
    const notGzip = capture({ cwd: dir });
    expect(await run(['text.csv.gz'], notGzip.io)).toBe(1);
    expect(notGzip.stderr()).toContain('text.csv.gz: not a gzip file');

    const noCountry = capture();
    expect(await run([fixture(FIXTURE_ROWS, HEADER.replace(',Country', ''))], noCountry.io)).toBe(1);
    expect(noCountry.stderr()).toContain('line 1: missing column(s) Country');

    const unwritable = capture();
    expect(await run([fixture(), '--out', join(dir, 'no-such-dir', 'events.jsonl')], unwritable.io)).toBe(1);
    expect(unwritable.stderr()).toMatch(/cannot write .*no-such-dir.*ENOENT/);

    const brokenQuote = capture();
    expect(await run([fixture(['500001,X,"BROKEN,1,2011-03-26 09:00:00,1.00,1.0,UK'])], brokenQuote.io)).toBe(1);
    expect(brokenQuote.stderr()).toContain('unterminated quoted field');
  });
});

// Beside the repository (`../shared`), or where scripts/test found it for a clone made elsewhere.
const SHARED_DIR = process.env.INCENTIVE_SHARED_DIR ?? resolve(fileURLToPath(import.meta.url), '../../../../../../shared');
const REAL_FILE = resolve(SHARED_DIR, 'data/online-retail/online-retail.csv.gz');

describe('incentive import online-retail (the real year)', () => {
  // The data set lives outside the repository (see its README). A developer without it skips this
  // check; CI always has ../shared beside the clone, so there a missing file fails instead of skipping.
  it.skipIf(!existsSync(REAL_FILE) && !process.env.CI)('converts the whole file with self-consistent counts matching the README, with progress on a TTY', { timeout: 120_000 }, async () => {
    const c = capture({ tty: true });
    expect(await run([REAL_FILE], c.io)).toBe(0);
    const events = parseLines(c.stdout());
    // On a TTY, progress lines (carriage return, then cleared) precede the summary.
    expect(c.stderr()).toMatch(/^\rreading .*online-retail\.csv\.gz: 50,000 rows/);
    expect(c.stderr()).toContain('\r\x1b[K');
    const summary = c.stderr().slice(c.stderr().lastIndexOf('\x1b[K') + 3);
    const count = (label: string) => Number(new RegExp(`${label} +([\\d,]+)`).exec(summary)![1]!.replace(/,/g, ''));

    // Figures from the data set's README.
    expect(count('rows read')).toBe(541_909);
    expect(count('guest rows')).toBe(135_080);
    expect(count('invoices')).toBe(22_190);
    expect(count('signups')).toBe(4_372);

    const byType = (t: string) => events.filter((e) => e.type === t).length;
    expect(byType('purchase')).toBe(count('purchases'));
    expect(byType('refund')).toBe(count('refunds'));
    expect(byType('signup')).toBe(count('signups'));
    expect(count('purchases') + count('refunds') + count('invalid skipped')).toBe(22_190);
    expect(events).toHaveLength(count('events written'));
    // README: 3,654 of the 22,190 invoices are cancellations; each is a refund or skipped as invalid.
    const invalid = /invalid skipped +([\d,]+) invoices \(([\d,]+) purchases, ([\d,]+) cancellations\)/.exec(summary)!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(count('refunds') + invalid[2]!).toBe(3_654);
    expect(count('purchases') + invalid[1]!).toBe(22_190 - 3_654);
    expect(events.filter((e) => e.type === 'refund').every((e) => e.id.startsWith('online-retail:refund:C'))).toBe(true);
    const refunds = /refunds +[\d,]+ \(([\d,]+) matched to an earlier invoice, ([\d,]+) refer/.exec(summary)!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(refunds[0]! + refunds[1]!).toBe(count('refunds'));

    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const seen = new Set<string>();
    let previous = -Infinity;
    for (const e of events) {
      const t = Date.parse(e.occurredAt);
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
      if (!seen.has(e.customerId)) {
        expect(e.type).toBe('signup');
        seen.add(e.customerId);
      }
    }
    expect(events.some((e) => e.occurredAt.endsWith('+01:00'))).toBe(true);
    expect(events.some((e) => e.occurredAt.endsWith('+00:00'))).toBe(true);
  });
});
