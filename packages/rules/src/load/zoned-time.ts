// `activeFrom: "2026-12-01"` means local midnight in the schedule's time zone, so that a
// promotion starts when the analyst's calendar says so, not at UTC midnight.

const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetMs(utcMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Epoch ms of `YYYY-MM-DD` 00:00 local time in `timeZone`, or of an RFC 3339 date-time as written. */
export function instantOf(text: string, timeZone: string): number {
  if (text.length > 10) return Date.parse(text);
  const naive = Date.parse(`${text}T00:00:00Z`);
  // Two passes settle the offset across a DST change.
  let guess = naive - offsetMs(naive, timeZone);
  guess = naive - offsetMs(guess, timeZone);
  return guess;
}
