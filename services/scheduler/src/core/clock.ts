/** Wall time, injected (architecture: time is event time; wall time only through a Clock). */
export interface Clock {
  now(): Date;
}

/** A clock the caller moves: tests and the demo run days in seconds. */
export interface ManualClock extends Clock {
  /** Moves the clock to `to`; moving backwards is refused (ticks already run stay run). */
  advanceTo(to: Date): void;
}

export function createSystemClock(): Clock {
  return { now: () => new Date() };
}

export function createManualClock(start: Date): ManualClock {
  if (Number.isNaN(start.getTime())) throw new RangeError('manual clock: start is not a valid date');
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advanceTo(to) {
      const t = to.getTime();
      if (Number.isNaN(t)) throw new RangeError('advanceTo: not a valid date');
      if (t < current) throw new RangeError(`advanceTo: ${to.toISOString()} is before the clock (${new Date(current).toISOString()})`);
      current = t;
    },
  };
}

export function isManualClock(clock: Clock): clock is ManualClock {
  return typeof (clock as Partial<ManualClock>).advanceTo === 'function';
}
