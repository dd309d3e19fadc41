import { CUSTOMER_ID_PATTERN, parseEvent, type IncentiveEvent, type PurchaseItem } from '@incentive/events';
import { hasOpenQuote, parseCsvLine } from './csv.js';
import { ukLocalToRfc3339 } from './london-time.js';
import { syntheticBirthday } from './synthetic-birthday.js';

// Turns the UCI Online Retail CSV into incentive events. Pure apart from the line source: the
// command (commands/import-online-retail.ts) does the file, gzip and output handling.

export const SOURCE = 'online-retail';
const CURRENCY = 'GBP';
const MAX_ITEMS = 500;
const REQUIRED_COLUMNS = ['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'] as const;
type ColumnIndex = Record<(typeof REQUIRED_COLUMNS)[number], number>;

export interface OnlineRetailSummary {
  /** Data rows read (header excluded). */
  rowsRead: number;
  /** Rows without a CustomerID (guest checkouts): skipped. */
  guestRows: number;
  /** Invoices with a customer (purchases + refunds + invalidInvoices). */
  invoices: number;
  purchases: number;
  refunds: number;
  signups: number;
  /** Refunds whose orderId is an earlier invoice of the customer with the same stock code(s). */
  refundsMatched: number;
  /** Refunds with no such invoice: orderId is the C invoice number itself. */
  refundsUnmatched: number;
  /** Invoices skipped because they cannot make a valid event, by reason. */
  invalidInvoices: number;
  /** Of those, how many were cancellations (C invoices). */
  invalidCancellations: number;
  invalidReasons: Record<string, number>;
  /** Purchases with more than 500 lines whose identical lines (same code and price) were merged. */
  itemsMerged: number;
  /** Purchases still over 500 distinct lines after merging: sent without `items` (amount kept). */
  itemsOmitted: number;
  events: number;
}

interface Line {
  sku: string;
  quantity: number;
  /** Price in thousandths of a pound (the data has up to 3 decimals), exact integer arithmetic. */
  priceMilli: number;
  unitPrice: number;
}

interface Invoice {
  invoiceNo: string;
  customerId: string;
  country: string;
  occurredAt: string;
  instant: number;
  seq: number;
  lines: Line[];
  invalid?: string;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,3}))?$/;

/** `2.55` → 2550; undefined if not a number with at most 3 decimals. */
function toMilli(text: string): number | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const milli = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0'));
  return m[1] === '-' ? -milli : milli;
}

const CUSTOMER_FLOAT = /^(\d+)\.0+$/;

/** `17850.0` → `17850` (pandas wrote the ids as floats). */
export function normaliseCustomerId(raw: string): string {
  const t = raw.trim();
  const m = CUSTOMER_FLOAT.exec(t);
  return m ? m[1]! : t;
}

export interface ConvertOptions {
  /** Called every `progressEvery` rows (for a TTY progress line). */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
}

export class CsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** Read every record into invoices (grouped by InvoiceNo, in order of first appearance). */
async function readInvoices(lines: AsyncIterable<string>, summary: OnlineRetailSummary, opts: ConvertOptions): Promise<Invoice[]> {
  const invoices = new Map<string, Invoice>();
  let col: ColumnIndex | undefined;
  let width = 0;
  let pending: string | undefined;
  let lineNo = 0;
  const every = opts.progressEvery ?? 50_000;

  for await (const raw of lines) {
    lineNo++;
    let record = pending === undefined ? raw : `${pending}\n${raw}`;
    if (record.includes('"') && hasOpenQuote(record)) {
      pending = record;
      continue;
    }
    pending = undefined;
    if (!col) {
      if (record.charCodeAt(0) === 0xfeff) record = record.slice(1);
      const header = parseCsvLine(record).map((h) => h.trim());
      const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
      if (missing.length > 0) throw new CsvFormatError(`line 1: missing column(s) ${missing.join(', ')} (got ${header.join(', ')})`);
      col = Object.fromEntries(REQUIRED_COLUMNS.map((c) => [c, header.indexOf(c)])) as ColumnIndex;
      width = header.length;
      continue;
    }
    if (record === '') continue;
    summary.rowsRead++;
    if (opts.onProgress && summary.rowsRead % every === 0) opts.onProgress(summary.rowsRead);

    let f: string[];
    try {
      f = parseCsvLine(record);
    } catch (err) {
      throw new CsvFormatError(`line ${lineNo}: ${(err as Error).message}`);
    }
    if (f.length !== width) throw new CsvFormatError(`line ${lineNo}: ${f.length} fields, the header has ${width}`);

    const rawCustomer = f[col.CustomerID]!.trim();
    if (rawCustomer === '') {
      summary.guestRows++;
      continue;
    }
    const invoiceNo = f[col.InvoiceNo]!.trim();
    const customerId = normaliseCustomerId(rawCustomer);
    let inv = invoices.get(invoiceNo);
    if (!inv) {
      const local = f[col.InvoiceDate]!.trim();
      const occurredAt = ukLocalToRfc3339(local);
      inv = {
        invoiceNo,
        customerId,
        country: f[col.Country]!.trim(),
        occurredAt: occurredAt ?? '',
        instant: occurredAt ? Date.parse(occurredAt) : Number.NaN,
        seq: invoices.size,
        lines: [],
      };
      if (!occurredAt) inv.invalid = 'bad InvoiceDate';
      else if (!CUSTOMER_ID_PATTERN.test(customerId)) inv.invalid = 'bad CustomerID';
      else if (invoiceNo === '') inv.invalid = 'empty InvoiceNo';
      invoices.set(invoiceNo, inv);
    } else if (inv.customerId !== customerId) {
      inv.invalid ??= 'rows of several customers';
    }
    if (inv.invalid) continue;
    // An invoice whose lines straddle a minute keeps the time of its first line.
    const quantity = Number(f[col.Quantity]!.trim());
    const priceText = f[col.UnitPrice]!.trim();
    const priceMilli = toMilli(priceText);
    const sku = f[col.StockCode]!.trim();
    if (!Number.isSafeInteger(quantity) || quantity === 0) inv.invalid = 'bad Quantity';
    else if (priceMilli === undefined || priceMilli < 0) inv.invalid = 'bad UnitPrice';
    else if (sku === '' || sku.length > 128) inv.invalid = 'bad StockCode';
    else inv.lines.push({ sku, quantity, priceMilli, unitPrice: priceMilli / 1000 });
  }
  if (pending !== undefined) throw new CsvFormatError(`line ${lineNo}: unterminated quoted field at end of file`);
  if (!col) throw new CsvFormatError('empty file: no header line');
  return [...invoices.values()];
}

function mergeLines(lines: Line[]): Line[] {
  const byKey = new Map<string, Line>();
  for (const l of lines) {
    const key = `${l.sku}\u0000${l.priceMilli}`;
    const seen = byKey.get(key);
    if (seen) seen.quantity += l.quantity;
    else byKey.set(key, { ...l });
  }
  return [...byKey.values()];
}

interface PastInvoice {
  invoiceNo: string;
  skus: Set<string>;
}

/**
 * The order a refund refers to: the customer's most recent earlier invoice holding all the
 * refunded stock codes, else the most recent one holding the most of them, else none.
 */
function matchOrder(history: PastInvoice[] | undefined, skus: Set<string>): string | undefined {
  if (!history) return undefined;
  let best: string | undefined;
  let bestOverlap = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const past = history[i]!;
    let overlap = 0;
    for (const s of skus) if (past.skus.has(s)) overlap++;
    if (overlap === skus.size) return past.invoiceNo;
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = past.invoiceNo;
    }
  }
  return best;
}

function skip(summary: OnlineRetailSummary, inv: Invoice, reason: string): void {
  summary.invalidInvoices++;
  if (inv.invoiceNo.startsWith('C')) summary.invalidCancellations++;
  summary.invalidReasons[reason] = (summary.invalidReasons[reason] ?? 0) + 1;
}

/** Build the event of one invoice, or the reason it cannot be one. */
function invoiceEvent(inv: Invoice, history: Map<string, PastInvoice[]>, summary: OnlineRetailSummary): { event: IncentiveEvent; matched?: boolean } | string {
  if (inv.invalid) return inv.invalid;
  const refund = inv.invoiceNo.startsWith('C');
  let totalMilli = 0;
  for (const l of inv.lines) totalMilli += l.quantity * l.priceMilli;
  const base = { customerId: inv.customerId, occurredAt: inv.occurredAt, source: SOURCE };

  if (refund) {
    if (inv.lines.some((l) => l.quantity > 0)) return 'cancellation with a positive quantity';
    // Quantities are negative: the refunded amount is minus the total, rounded half up to pence.
    const cents = Math.round(-totalMilli / 10);
    const skus = new Set(inv.lines.map((l) => l.sku));
    const matched = matchOrder(history.get(inv.customerId), skus);
    return {
      event: {
        id: `${SOURCE}:refund:${inv.invoiceNo}`,
        type: 'refund',
        ...base,
        data: { orderId: matched ?? inv.invoiceNo, amount: cents / 100, currency: CURRENCY },
      },
      matched: matched !== undefined,
    };
  }

  if (inv.lines.some((l) => l.quantity < 0)) return 'purchase with a negative quantity';
  if (totalMilli < 0) return 'negative total';
  let lines = inv.lines;
  let omitItems = false;
  if (lines.length > MAX_ITEMS) {
    lines = mergeLines(lines);
    summary.itemsMerged++;
    if (lines.length > MAX_ITEMS) omitItems = true;
  }
  const items: PurchaseItem[] = lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice }));
  return {
    event: {
      id: `${SOURCE}:purchase:${inv.invoiceNo}`,
      type: 'purchase',
      ...base,
      data: {
        orderId: inv.invoiceNo,
        amount: Math.round(totalMilli / 10) / 100,
        currency: CURRENCY,
        ...(omitItems ? {} : { items }),
        channel: 'online',
      },
    },
  };
}

function emptySummary(): OnlineRetailSummary {
  return {
    rowsRead: 0,
    guestRows: 0,
    invoices: 0,
    purchases: 0,
    refunds: 0,
    signups: 0,
    refundsMatched: 0,
    refundsUnmatched: 0,
    invalidInvoices: 0,
    invalidCancellations: 0,
    invalidReasons: {},
    itemsMerged: 0,
    itemsOmitted: 0,
    events: 0,
  };
}

/**
 * Convert the CSV lines to events ordered by occurredAt (ties keep file order, a signup comes just
 * before its customer's first event). Every event has passed `parseEvent`.
 */
export async function convertOnlineRetail(
  lines: AsyncIterable<string>,
  opts: ConvertOptions = {},
): Promise<{ events: IncentiveEvent[]; summary: OnlineRetailSummary }> {
  const summary = emptySummary();
  const invoices = await readInvoices(lines, summary, opts);
  summary.invoices = invoices.length;
  // The file is in time order already; sort anyway (by instant, not by the text with its
  // offsets) so the output order holds for any input.
  // Invoices without a valid date are skipped below; keep them out of the sort (NaN would make
  // the comparator inconsistent).
  invoices.sort((a, b) => (Number.isNaN(a.instant) ? 0 : a.instant) - (Number.isNaN(b.instant) ? 0 : b.instant) || a.seq - b.seq);

  const events: IncentiveEvent[] = [];
  const history = new Map<string, PastInvoice[]>();
  const signedUp = new Set<string>();

  for (const inv of invoices) {
    const built = invoiceEvent(inv, history, summary);
    if (typeof built === 'string') {
      skip(summary, inv, built);
      continue;
    }
    const checked = parseEvent(built.event);
    if (!checked.ok) {
      skip(summary, inv, `invalid event: ${checked.error.message}`);
      continue;
    }
    const event = checked.value;
    if (!signedUp.has(inv.customerId)) {
      signedUp.add(inv.customerId);
      const signup = parseEvent({
        id: `${SOURCE}:signup:${inv.customerId}`,
        type: 'signup',
        customerId: inv.customerId,
        occurredAt: inv.occurredAt,
        source: SOURCE,
        data: {
          birthday: syntheticBirthday(inv.customerId),
          ...(inv.country && inv.country !== 'Unspecified' ? { country: inv.country.slice(0, 64) } : {}),
        },
      });
      if (!signup.ok) throw new Error(`bug: synthetic signup rejected: ${signup.error.message}`);
      events.push(signup.value);
      summary.signups++;
    }
    events.push(event);
    if (event.type === 'purchase') {
      summary.purchases++;
      if (!event.data.items) summary.itemsOmitted++;
      let past = history.get(inv.customerId);
      if (!past) history.set(inv.customerId, (past = []));
      past.push({ invoiceNo: inv.invoiceNo, skus: new Set(inv.lines.map((l) => l.sku)) });
    } else {
      summary.refunds++;
      if (built.matched) summary.refundsMatched++;
      else summary.refundsUnmatched++;
    }
  }
  summary.events = events.length;
  return { events, summary };
}
