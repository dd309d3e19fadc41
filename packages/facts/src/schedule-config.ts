import { type ConfigProblem, FactsConfigError } from './errors.js';
import { isValidTimeZone } from './zone.js';

/** rules/schedule.json: when clock events fire. */
export interface ScheduleConfig {
  /** IANA zone whose local midnights are the day ticks. */
  timezone: string;
  /** Inactivity thresholds in days (positive integers, unique). */
  inactivityDays: number[];
  /** Points expire this many days after being earned (used by the scheduler; absent = never). */
  pointsExpireAfterDays?: number;
  /** How many customers each monthly leaderboard ranks (`leaderboard.closed` events per month); 0 turns it off. Absent = 10. */
  leaderboardSize?: number;
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 100_000;
}

/** Every problem in a schedule document. Unknown extra keys are tolerated (forward compatibility). */
export function validateScheduleConfig(input: unknown): ConfigProblem[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ pointer: '', message: 'must be an object {timezone, inactivityDays, pointsExpireAfterDays?, leaderboardSize?}' }];
  }
  const { timezone, inactivityDays, pointsExpireAfterDays, leaderboardSize } = input as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  if (typeof timezone !== 'string' || !isValidTimeZone(timezone)) {
    problems.push({ pointer: '/timezone', message: `must be an IANA time zone name known to the runtime, got ${JSON.stringify(timezone)}` });
  }
  if (!Array.isArray(inactivityDays)) {
    problems.push({ pointer: '/inactivityDays', message: 'must be an array of positive integers (days)' });
  } else {
    const seen = new Set<number>();
    inactivityDays.forEach((n: unknown, i) => {
      if (!isPositiveInt(n)) problems.push({ pointer: `/inactivityDays/${i}`, message: 'must be a positive integer (days)' });
      else if (seen.has(n)) problems.push({ pointer: `/inactivityDays/${i}`, message: `duplicate threshold ${n}` });
      else seen.add(n);
    });
  }
  if (pointsExpireAfterDays !== undefined && !isPositiveInt(pointsExpireAfterDays)) {
    problems.push({ pointer: '/pointsExpireAfterDays', message: 'must be a positive integer (days) when present' });
  }
  if (leaderboardSize !== undefined && !(typeof leaderboardSize === 'number' && Number.isInteger(leaderboardSize) && leaderboardSize >= 0 && leaderboardSize <= 10_000)) {
    problems.push({ pointer: '/leaderboardSize', message: 'must be an integer from 0 to 10000 (customers ranked per month) when present' });
  }
  return problems;
}

/** Validated schedule (thresholds sorted ascending), or FactsConfigError listing every problem. */
export function parseScheduleConfig(input: unknown, document = 'schedule.json'): ScheduleConfig {
  const problems = validateScheduleConfig(input);
  if (problems.length > 0) throw new FactsConfigError(document, problems);
  const raw = input as ScheduleConfig;
  const out: ScheduleConfig = { timezone: raw.timezone, inactivityDays: [...raw.inactivityDays].sort((a, b) => a - b) };
  if (raw.pointsExpireAfterDays !== undefined) out.pointsExpireAfterDays = raw.pointsExpireAfterDays;
  if (raw.leaderboardSize !== undefined) out.leaderboardSize = raw.leaderboardSize;
  return out;
}
