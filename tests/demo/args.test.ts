import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from './args.js';

describe('parseDemoArgs', () => {
  it('defaults to four weeks on six partitions, keeping the run', () => {
    expect(parseDemoArgs([])).toEqual({ weeks: 4, partitions: 6, cleanup: false, help: false });
    expect(parseDemoArgs(['--full', '--cleanup']).weeks).toBe('full');
    expect(parseDemoArgs(['--weeks', '10', '--partitions', '3'])).toMatchObject({ weeks: 10, partitions: 3 });
  });

  it('names the flag and the reason on bad input', () => {
    expect(() => parseDemoArgs(['--weeks', '0'])).toThrow('--weeks: expected a whole number from 1 to 60, got "0"');
    expect(() => parseDemoArgs(['--weeks', '2', '--full'])).toThrow('--full and --weeks exclude each other');
    expect(() => parseDemoArgs(['--nope'])).toThrow(/nope/);
  });
});
