import { describe, expect, it } from 'vitest';
import { formatIsoUtc } from './iso-time.js';

describe('formatIsoUtc', () => {
  it('is byte-identical to Date#toISOString, including day, leap-year and range edges', () => {
    const edges = [0, 1, 999, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2027, 0, 1), 253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001];
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const randoms = Array.from({ length: 20_000 }, () => Math.floor(rand() * 4e12));
    for (const ms of [...edges, ...randoms]) expect(formatIsoUtc(ms)).toBe(new Date(ms).toISOString());
  });
});
