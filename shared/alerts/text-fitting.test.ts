import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import cases from './text-fitting.cases.json' with { type: 'json' };
import {
  asciiOnly,
  singleLine,
  truncateChars,
  truncateUtf8,
  utf8Length,
  withoutControlCharacters,
} from './text-fitting.ts';

interface Case {
  name: string;
  fn: 'truncateChars' | 'truncateUtf8' | 'asciiOnly' | 'singleLine' | 'withoutControlCharacters';
  text: string;
  max?: number;
  marker?: string;
  expect: string;
}

function run(c: Case): string {
  switch (c.fn) {
    case 'truncateChars':
      return c.marker === undefined ? truncateChars(c.text, c.max!) : truncateChars(c.text, c.max!, c.marker);
    case 'truncateUtf8':
      return c.marker === undefined ? truncateUtf8(c.text, c.max!) : truncateUtf8(c.text, c.max!, c.marker);
    case 'asciiOnly':
      return asciiOnly(c.text);
    case 'singleLine':
      return singleLine(c.text);
    case 'withoutControlCharacters':
      return withoutControlCharacters(c.text);
  }
}

const hasLoneSurrogate = (text: string) =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('text fitting', () => {
  it.each(cases as Case[])('$name', (c) => {
    expect(run(c)).toBe(c.expect);
  });

  it('never exceeds a byte budget nor breaks a character (any text, any budget)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 0, max: 300 }),
        (text, max) => {
          const out = truncateUtf8(text, max);
          expect(utf8Length(out)).toBeLessThanOrEqual(max);
          expect(hasLoneSurrogate(out)).toBe(false);
          if (utf8Length(text) <= max) expect(out).toBe(text);
        },
      ),
    );
  });

  it('never exceeds a character budget nor splits a surrogate pair', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 1, max: 300 }),
        (text, max) => {
          const out = truncateChars(text, max);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(hasLoneSurrogate(out)).toBe(false);
        },
      ),
    );
  });

  it('asciiOnly gives printable ASCII for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        expect(asciiOnly(text)).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });
});
