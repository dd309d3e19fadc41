import { birthdayDate, birthdayEvent, birthdaysOn, inactivityDueDate, inactivityEvent, tickInstant } from './clock-events.js';
import type { CustomerState } from './customer-state.js';
import { FactsInputError } from './errors.js';
import type { IncentiveEvent } from '@incentive/events';
import type { ScheduleConfig } from './schedule-config.js';
import { addDays, parseDate } from './time.js';

export interface ClockPlanner {
  /** Record a customer's state after each applied event (O(thresholds), no scan). */
  track(customerId: string, state: CustomerState): void;
  /**
   * Clock events due at the day tick of local date `tickDate`, sorted by id. Birthdays are for that
   * date; inactivity also catches up thresholds that fell due on dates never ticked since the last call.
   */
  dueAt(tickDate: string): IncentiveEvent[];
  /** Customers tracked. */
  readonly size: number;
}

interface InactivityEntry {
  customerId: string;
  days: number;
  lastPurchaseAt: string;
}

/**
 * In-memory clock for the simulator, indexed by birthday month-day and by inactivity due date so a
 * tick costs only the customers due (the scheduler service mirrors this with Redis sorted sets).
 * Entries made stale by a later purchase are dropped lazily when their date comes.
 */
export function createClockPlanner(schedule: ScheduleConfig): ClockPlanner {
  const states = new Map<string, CustomerState>();
  const birthdayOf = new Map<string, string>();
  const byMonthDay = new Map<string, Set<string>>();
  const trackedPurchase = new Map<string, string>();
  const byDueDate = new Map<string, InactivityEntry[]>();
  let lastTick: string | undefined;

  function addDue(date: string, entry: InactivityEntry): void {
    // Already-passed dates go to the next tick ("first tick at or after").
    const key = lastTick !== undefined && date <= lastTick ? addDays(lastTick, 1) : date;
    const list = byDueDate.get(key);
    if (list) list.push(entry);
    else byDueDate.set(key, [entry]);
  }

  return {
    get size() {
      return states.size;
    },

    track(customerId, state) {
      states.set(customerId, state);
      const oldBirthday = birthdayOf.get(customerId);
      if (state.birthday !== (oldBirthday ?? null)) {
        if (oldBirthday !== undefined) byMonthDay.get(oldBirthday)?.delete(customerId);
        if (state.birthday === null) birthdayOf.delete(customerId);
        else {
          birthdayOf.set(customerId, state.birthday);
          let set = byMonthDay.get(state.birthday);
          if (!set) byMonthDay.set(state.birthday, (set = new Set()));
          set.add(customerId);
        }
      }
      const last = state.lastPurchaseAt;
      if (last !== null && trackedPurchase.get(customerId) !== last) {
        trackedPurchase.set(customerId, last);
        for (const days of schedule.inactivityDays) {
          addDue(inactivityDueDate(last, days, schedule.timezone), { customerId, days, lastPurchaseAt: last });
        }
      }
    },

    dueAt(tickDate) {
      const tick = parseDate(tickDate);
      if (!tick) throw new FactsInputError('tickDate', `not a YYYY-MM-DD date: ${JSON.stringify(tickDate)}`);
      const at = tickInstant(tickDate, schedule.timezone);
      const out: IncentiveEvent[] = [];

      for (const md of birthdaysOn(tickDate)) {
        for (const customerId of byMonthDay.get(md) ?? []) {
          if (birthdayDate(md, tick.year) === tickDate) out.push(birthdayEvent(customerId, md, tick.year, at));
        }
      }

      const dates: string[] = [];
      if (lastTick === undefined) {
        for (const key of byDueDate.keys()) if (key <= tickDate) dates.push(key);
      } else if (tickDate > lastTick) {
        for (let d = addDays(lastTick, 1); d <= tickDate; d = addDays(d, 1)) dates.push(d);
      } else {
        dates.push(tickDate);
      }
      for (const date of dates) {
        const list = byDueDate.get(date);
        if (!list) continue;
        byDueDate.delete(date);
        for (const e of list) {
          if (states.get(e.customerId)?.lastPurchaseAt === e.lastPurchaseAt) {
            out.push(inactivityEvent(e.customerId, e.days, e.lastPurchaseAt, at));
          }
        }
      }
      if (lastTick === undefined || tickDate > lastTick) lastTick = tickDate;
      out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return out;
    },
  };
}
