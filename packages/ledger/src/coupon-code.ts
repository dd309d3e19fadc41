import { randomFillSync } from 'node:crypto';

/**
 * Coupon codes: `[PREFIX-]XXXX-XXXX-XXXX-XXXX`.
 *
 * - Alphabet of the generated part: digits and upper-case letters without the look-alikes
 *   0/O and 1/I/L (31 symbols). 15 random symbols from node:crypto ≈ 74 bits of entropy.
 * - Check symbol (last one): over the whole compact code, prefix included, with every character
 *   valued in base 36 (0-9 → 0..9, A-Z → 10..35), Σ (i+1)·v(i) ≡ 0 (mod 37). 37 is prime and
 *   larger than both any value difference (≤ 35) and any weight (a code has ≤ 32 characters), so a
 *   single substitution anywhere changes the sum by a product of two non-zero residues, which is
 *   never 0 mod 37: every one-character substitution is rejected, also an O typed for a 0 in the
 *   prefix. An adjacent transposition changes the sum by ±(difference) and is rejected too. The
 *   check value can be one of 37, so bodies whose check would be a look-alike (0, 1, I, L, O) or
 *   the 37th value are redrawn: the check symbol is always from the alphabet (entropy ≈ 74 bits).
 * - Deletions and insertions change the length of the random part (16 after the prefix): with the
 *   code typed in its dashed form they are rejected by length; the checksum catches most others.
 * - Stored and looked up in compact form (upper case, no dashes or spaces), so a code typed in
 *   lower case or without dashes finds the same coupon.
 */
export const COUPON_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const COUPON_RANDOM_LENGTH = 15;
export const COUPON_BODY_LENGTH = COUPON_RANDOM_LENGTH + 1;
/** Entropy of a generated code in bits: 31^15 bodies, of which 31/37 have an alphabet check. */
export const COUPON_ENTROPY_BITS = COUPON_RANDOM_LENGTH * Math.log2(COUPON_ALPHABET.length) + Math.log2(31 / 37);
const P = 37;
const MAX_PREFIX = 16;

/** Base-36 value of each character code, -1 if not [0-9A-Z]. */
const B36 = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) B36[48 + i] = i;
for (let i = 0; i < 26; i++) B36[65 + i] = 10 + i;
/** Base-36 values of the alphabet, indexed by a uniform draw in [0, 31). */
const ALPHABET_VALUES = Array.from(COUPON_ALPHABET, (ch) => B36[ch.charCodeAt(0)]!);
/** check value (0..36) → symbol, or undefined when that value has no alphabet symbol. */
const CHECK_SYMBOL: (string | undefined)[] = Array.from({ length: P }, (_, v) => {
  const ch = v < 36 ? '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[v]! : '';
  return COUPON_ALPHABET.includes(ch) && ch !== '' ? ch : undefined;
});
const INVERSE = Array.from({ length: P }, (_, a) => {
  for (let x = 1; x < P; x++) if ((a * x) % P === 1) return x;
  return 0;
});

const PREFIX_PATTERN = /^[A-Z0-9-]{1,16}$/;

/** Fills a buffer with random bytes; injectable so a test can force collisions. */
export type RandomSource = (buf: Uint8Array) => void;

const defaultRandom: RandomSource = (buf) => {
  randomFillSync(buf);
};

export interface GeneratedCode {
  /** Compact form: what is stored (unique) and looked up. */
  code: string;
  /** Grouped form for people: `PREFIX-XXXX-XXXX-XXXX-XXXX`. */
  display: string;
}

export interface CouponCodeGenerator {
  next(prefix?: string): GeneratedCode;
}

/** Draws random bytes in 4 KiB blocks (one syscall per ~250 codes, not one per symbol). */
export function createCouponCodeGenerator(random: RandomSource = defaultRandom): CouponCodeGenerator {
  const pool = new Uint8Array(4096);
  let pos = pool.length;
  const draw = (): number => {
    for (;;) {
      if (pos >= pool.length) {
        random(pool);
        pos = 0;
      }
      const b = pool[pos++]!;
      // 248 = 8·31: rejecting the top bytes keeps every symbol equally likely.
      if (b < 248) return b % 31;
    }
  };
  return {
    next(prefix?: string) {
      const { compact, display } = normalizePrefix(prefix);
      let prefixSum = 0;
      for (let i = 0; i < compact.length; i++) prefixSum += (i + 1) * B36[compact.charCodeAt(i)]!;
      const checkWeight = compact.length + COUPON_BODY_LENGTH;
      for (;;) {
        let sum = prefixSum;
        let body = '';
        for (let i = 0; i < COUPON_RANDOM_LENGTH; i++) {
          const k = draw();
          sum += (compact.length + i + 1) * ALPHABET_VALUES[k]!;
          body += COUPON_ALPHABET[k];
        }
        const check = (((P - (sum % P)) % P) * INVERSE[checkWeight % P]!) % P;
        const symbol = CHECK_SYMBOL[check];
        if (symbol === undefined) continue;
        body += symbol;
        const grouped = `${body.slice(0, 4)}-${body.slice(4, 8)}-${body.slice(8, 12)}-${body.slice(12, 16)}`;
        return { code: compact + body, display: display ? `${display}-${grouped}` : grouped };
      }
    },
  };
}

function normalizePrefix(prefix: string | undefined): { compact: string; display: string } {
  if (prefix === undefined || prefix === '') return { compact: '', display: '' };
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`codePrefix: "${prefix}" must be 1-16 of A-Z 0-9 -`);
  const display = prefix.replace(/^-+|-+$/g, '');
  return { compact: display.replace(/-/g, ''), display };
}

/** Upper case, spaces and dashes removed: the form codes are stored and looked up in. */
export function compactCouponCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

export type CouponCodeCheck =
  | { ok: true; code: string }
  | { ok: false; reason: 'bad_length' | 'invalid_character' | 'bad_check_character' };

/**
 * Validates a code as typed. A code that fails here cannot exist in the database, so a redemption
 * is rejected without a lookup. If the input has dashes, the part after the last prefix dash must
 * be the four groups of four (so a dropped or doubled symbol is a length error).
 */
export function checkCouponCode(input: string): CouponCodeCheck {
  const trimmed = input.trim().toUpperCase();
  if (trimmed.includes('-')) {
    const groups = trimmed.split('-');
    const tail = groups.slice(-4);
    if (tail.length !== 4 || tail.some((g) => g.length !== 4)) return { ok: false, reason: 'bad_length' };
  }
  const code = compactCouponCode(trimmed);
  if (code.length < COUPON_BODY_LENGTH || code.length > COUPON_BODY_LENGTH + MAX_PREFIX) return { ok: false, reason: 'bad_length' };
  let sum = 0;
  const bodyStart = code.length - COUPON_BODY_LENGTH;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    const v = c < 128 ? B36[c]! : -1;
    if (v < 0) return { ok: false, reason: 'invalid_character' };
    // The generated part only uses the alphabet; a look-alike there is a typo by construction.
    if (i >= bodyStart && !COUPON_ALPHABET.includes(code[i]!)) return { ok: false, reason: 'invalid_character' };
    sum += (i + 1) * v;
  }
  if (sum % P !== 0) return { ok: false, reason: 'bad_check_character' };
  return { ok: true, code };
}
