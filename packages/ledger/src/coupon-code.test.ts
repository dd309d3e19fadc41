import { describe, expect, it } from 'vitest';
import {
  COUPON_ALPHABET,
  COUPON_ENTROPY_BITS,
  checkCouponCode,
  compactCouponCode,
  createCouponCodeGenerator,
} from './coupon-code.js';

const ALL_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('coupon codes', () => {
  it('has at least 60 bits of entropy and no look-alike characters', () => {
    expect(COUPON_ENTROPY_BITS).toBeGreaterThanOrEqual(60);
    for (const ch of '01ILO') expect(COUPON_ALPHABET).not.toContain(ch);
  });

  it('generates 1,000,000 codes without a duplicate, each passing its own check', () => {
    const gen = createCouponCodeGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(gen.next().code);
    expect(seen.size).toBe(1_000_000);
    let checked = 0;
    for (const code of seen) {
      if (checked++ >= 10_000) break;
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{16}$/);
      expect(checkCouponCode(code).ok).toBe(true);
    }
  });

  it('rejects every single-character substitution and adjacent transposition tried', () => {
    const gen = createCouponCodeGenerator();
    let tried = 0;
    for (let n = 0; n < 400; n++) {
      const { code, display } = gen.next(n % 2 === 0 ? 'SUMMER-2O24' : undefined);
      expect(checkCouponCode(display)).toEqual({ ok: true, code });
      for (let i = 0; i < code.length; i++) {
        for (const ch of ALL_CHARS) {
          if (ch === code[i]) continue;
          const typo = code.slice(0, i) + ch + code.slice(i + 1);
          tried++;
          if (checkCouponCode(typo).ok) throw new Error(`substitution accepted: ${code} -> ${typo}`);
        }
        if (i + 1 < code.length && code[i] !== code[i + 1]) {
          const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
          tried++;
          if (checkCouponCode(swapped).ok) throw new Error(`transposition accepted: ${code} -> ${swapped}`);
        }
      }
    }
    expect(tried).toBeGreaterThan(300_000);
  });

  it('rejects a dropped or doubled symbol in the dashed form', () => {
    const gen = createCouponCodeGenerator();
    for (let n = 0; n < 200; n++) {
      const { display } = gen.next(n % 2 === 0 ? 'VIP' : undefined);
      const bodyStart = display.length - 19;
      for (let i = bodyStart; i < display.length; i++) {
        if (display[i] === '-') continue;
        const dropped = display.slice(0, i) + display.slice(i + 1);
        const doubled = display.slice(0, i) + display[i] + display.slice(i);
        expect(checkCouponCode(dropped).ok).toBe(false);
        expect(checkCouponCode(doubled).ok).toBe(false);
      }
    }
  });

  it('accepts lower case and missing dashes, and names the reason on rejection', () => {
    const { code, display } = createCouponCodeGenerator().next('WELCOME');
    expect(display.startsWith('WELCOME-')).toBe(true);
    expect(checkCouponCode(display.toLowerCase())).toEqual({ ok: true, code });
    expect(checkCouponCode(compactCouponCode(display))).toEqual({ ok: true, code });
    expect(checkCouponCode('ABC')).toEqual({ ok: false, reason: 'bad_length' });
    expect(checkCouponCode(code.slice(0, -1) + '!')).toEqual({ ok: false, reason: 'invalid_character' });
  });

  it('refuses a prefix outside A-Z 0-9 -', () => {
    expect(() => createCouponCodeGenerator().next('bad prefix')).toThrow(/codePrefix/);
  });

  it('draws uniformly: every alphabet symbol appears in every random position', () => {
    const gen = createCouponCodeGenerator();
    const counts = Array.from({ length: 15 }, () => new Map<string, number>());
    for (let i = 0; i < 20_000; i++) {
      const { code } = gen.next();
      for (let p = 0; p < 15; p++) counts[p]!.set(code[p]!, (counts[p]!.get(code[p]!) ?? 0) + 1);
    }
    for (const m of counts) {
      expect(m.size).toBe(31);
      // 20,000 / 31 ≈ 645 per symbol; a biased draw (e.g. modulo without rejection) shows up here.
      for (const c of m.values()) expect(c).toBeGreaterThan(500);
    }
  });
});
