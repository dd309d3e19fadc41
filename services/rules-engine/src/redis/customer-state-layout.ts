import { parseCustomerState, type CustomerState, type WindowDay } from '@incentive/facts';
import type { StateLayout } from './facts-store.js';

/** Hash field of one window day: `d<day>` (days since 1970-01-01, UTC). */
const dayField = (day: number) => `d${day}`;
/** Value of a day field: `<amountMinor> <orders>`. */
const dayValue = (d: WindowDay) => `${d[1]} ${d[2]}`;

/**
 * How a customer's state is laid out in its hash: the purchase window one field per UTC day
 * (`d<day>` = `<amountMinor> <orders>`), everything else as the JSON document of field `s`.
 *
 * The worker writes the state of every customer of every chunk. The window is most of a state (up
 * to 366 days, ~20 bytes each, for a customer who buys daily), and a purchase changes one day of it:
 * as one document, every write would serialise and send it whole. Day fields are written only when
 * their day changed, compared by identity first (`applyEvent` keeps the entries of unchanged days).
 * A document that still holds its `window` (written before this layout) is read as is; its first
 * write moves the window into day fields.
 */
export const customerStateLayout: StateLayout<CustomerState> = {
  document(state) {
    const { window: _window, ...doc } = state;
    return doc;
  },

  parts(state) {
    const out: string[] = [];
    for (const d of state.window) out.push(dayField(d[0]), dayValue(d));
    return out;
  },

  diff(state, base) {
    const set: string[] = [];
    const del: string[] = [];
    const next = state.window;
    const prev = base.window;
    if (next === prev) return { set, del };
    // Both ascending by day: one merge pass.
    let i = 0;
    let j = 0;
    while (i < next.length || j < prev.length) {
      const n = next[i];
      const p = prev[j];
      if (p === undefined || (n !== undefined && n[0] < p[0])) {
        set.push(dayField(n![0]), dayValue(n!));
        i++;
      } else if (n === undefined || p[0] < n[0]) {
        del.push(dayField(p[0]));
        j++;
      } else {
        if (n !== p && (n[1] !== p[1] || n[2] !== p[2])) set.push(dayField(n[0]), dayValue(n));
        i++;
        j++;
      }
    }
    return { set, del };
  },

  assemble(doc, parts) {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { state: doc, partsStored: true };
    // Written before this layout: the window is in the document, and no day fields exist yet.
    if ('window' in doc) return { state: doc, partsStored: false };
    const window: [number, number, number][] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const field = parts[i]!;
      const value = parts[i + 1]!;
      const space = value.indexOf(' ');
      const day = field[0] === 'd' ? Number(field.slice(1)) : NaN;
      // Left for the state check to reject with the field named (window[i] must be integers).
      window.push([day, space < 0 ? NaN : Number(value.slice(0, space)), space < 0 ? NaN : Number(value.slice(space + 1))]);
    }
    window.sort((a, b) => a[0] - b[0]);
    return { state: { ...doc, window }, partsStored: true };
  },
};

/**
 * A customer's state from its hash as `HGETALL` returns it (for tools that read the worker's states,
 * e.g. reports): assembled as the worker does and checked with `parseCustomerState`.
 */
export function readCustomerStateHash(hash: Record<string, string>): CustomerState {
  const doc = hash.s;
  if (doc === undefined) throw new Error('s: missing (the state hash has no document)');
  const parts: string[] = [];
  for (const [field, value] of Object.entries(hash)) if (field !== 'v' && field !== 's') parts.push(field, value);
  return parseCustomerState(customerStateLayout.assemble(JSON.parse(doc), parts).state);
}
