export type { CustomerFacts, CustomerState, WindowDay } from './customer-state.js';
export { CUSTOMER_FACT_KINDS } from './customer-state.js';
export type { ApplyContext, ApplyResult, FactsConfig, FactsNote } from './apply-event.js';
export { applyEvent, normaliseBirthday } from './apply-event.js';
export type { Calendar } from './calendar.js';
export { calendarOf, calendarOfInstant } from './calendar.js';
export type { Tier } from './tiers.js';
export { parseTiers, tierFor, validateTiers } from './tiers.js';
export type { ScheduleConfig } from './schedule-config.js';
export { parseScheduleConfig, validateScheduleConfig } from './schedule-config.js';
export type { LocalMidnight } from './clock-events.js';
export {
  birthdayDate,
  birthdayEvent,
  birthdaysOn,
  clockEventsForTick,
  inactivityDueDate,
  inactivityEvent,
  midnightsBetween,
  tickInstant,
} from './clock-events.js';
export type { ClockPlanner } from './clock-planner.js';
export { createClockPlanner } from './clock-planner.js';
export type { ConfigProblem } from './errors.js';
export { FactsConfigError, FactsInputError } from './errors.js';
export { isValidTimeZone, startOfLocalDay, formatInstant, localDateOf } from './zone.js';
export { parseInstant, isoWeekIndex } from './time.js';
export { toMinor, minorToMajor } from './money.js';
export { parseCustomerState } from './customer-state-parse.js';
export { boundedEventId, MAX_EVENT_ID_LENGTH } from './event-id.js';
export type { LeaderboardTracker, RankedSpend, SpendEntry } from './leaderboard.js';
export {
  createLeaderboardTracker,
  DEFAULT_LEADERBOARD_SIZE,
  leaderboardClosedEvent,
  leaderboardMonthClosedAt,
  leaderboardSizeOf,
  rankLeaderboard,
} from './leaderboard.js';
