/** Major units (at most 2 decimals) to integer minor units; rounding absorbs binary float noise. */
export function toMinor(amount: number): number {
  return Math.round(amount * 100);
}

/** Integer minor units to major units (exactly 2 decimals as a JS number). */
export function minorToMajor(minor: number): number {
  return minor / 100;
}
