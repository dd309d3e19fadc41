import { describe, expect, it } from 'vitest';
import { hasOpenQuote, parseCsvLine } from './csv.js';

describe('parseCsvLine', () => {
  it.each([
    ['plain', '536365,85123A,WHITE HANGING HEART,6', ['536365', '85123A', 'WHITE HANGING HEART', '6']],
    ['comma in quotes', '536381,82567,"AIRLINE LOUNGE,METAL SIGN",2', ['536381', '82567', 'AIRLINE LOUNGE,METAL SIGN', '2']],
    ['doubled quote', '536477,22041,"RECORD FRAME 7"" SINGLE SIZE ",48', ['536477', '22041', 'RECORD FRAME 7" SINGLE SIZE ', '48']],
    ['quoted last field', 'a,"b,c"', ['a', 'b,c']],
    ['quoted first field', '"a,b",c', ['a,b', 'c']],
    ['empty fields', 'a,,c,', ['a', '', 'c', '']],
    ['empty quoted field', 'a,"",c', ['a', '', 'c']],
    ['empty quoted last field', 'a,""', ['a', '']],
    ['trailing empty after quoted', '"x",', ['x', '']],
  ])('%s', (_name, line, fields) => {
    expect(parseCsvLine(line)).toEqual(fields);
  });

  it.each([
    ['unterminated quote', 'a,"b,c', 'unterminated quoted field'],
    ['text after closing quote', 'a,"b"x,c', 'unexpected character after quoted field at column 6'],
  ])('rejects %s', (_name, line, message) => {
    expect(() => parseCsvLine(line)).toThrow(message);
  });

  it('detects a record continuing on the next line', () => {
    expect(hasOpenQuote('a,"multi')).toBe(true);
    expect(hasOpenQuote('a,"multi\nline",b')).toBe(false);
    expect(hasOpenQuote('a,"x "" y",b')).toBe(false);
  });
});
