import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonValues } from '../shared/snapshot/parse-authorization-details.ts';
import { InputError } from './input-error.ts';
import { findJsonSyntaxError, lineAndColumn, readJsonDocument, readJsonValues } from './json-input.ts';

function located(text: string): string | undefined {
  const problem = findJsonSyntaxError(text);
  if (!problem) return undefined;
  const { line, column } = lineAndColumn(text, problem.offset);
  return `${line}:${column} ${problem.message}`;
}

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['{"a": 1}\n{"b": [1, 2]}\n', undefined],
    ['[1, -2.5e3, true, false, null, "x\\u00e9\\n"]', undefined],
    ['', '1:1 empty file: expected JSON'],
    ['{"a": 1,\n "b": }', "2:7 unexpected '}': expected a value"],
    ['{"a": 1,\n}', "2:1 unexpected '}' after ',': remove the trailing comma"],
    ['[1, 2,]', "1:7 unexpected ']' after ',': remove the trailing comma"],
    ['{"a" 1}', "1:6 unexpected '1': expected ':' after the property name"],
    ['{a: 1}', "1:2 unexpected 'a': expected a property name in double quotes"],
    ['{"a": 1 "b": 2}', "1:9 unexpected '\"': expected ',' or '}' after a property value"],
    ['[1 2]', "1:4 unexpected '2': expected ',' or ']' after an array element"],
    ['{"a": "b', '1:7 string is never closed'],
    ['{"a": [1, 2', "1:12 unexpected end of file: expected ',' or ']' after an array element"],
    ['{"a": True}', "1:7 unexpected 'True': expected a value (true, false and null are lower case)"],
    ['{"a": "x\\q"}', '1:9 invalid escape \\q in a string'],
    ['{"a": "tab\there"}', '1:11 control character U+0009 inside a string: escape it'],
    ['{"a": 01}', "1:8 unexpected '1': expected ',' or '}' after a property value"],
    ["{'a': 1}", "1:2 unexpected ''': expected a property name in double quotes"],
  ])('%j → %s', (text, expected) => {
    expect(located(text)).toBe(expected);
  });

  it('never throws, and accepts everything JSON.parse accepts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const problem = findJsonSyntaxError(text);
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        if (parses) expect(problem).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('finds nothing wrong in serialised values, and flags damaged ones the reader also rejects', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, cut) => {
        const text = JSON.stringify(value, null, 1);
        expect(findJsonSyntaxError(text)).toBeUndefined();
        const damaged = text.slice(0, cut % (text.length + 1)) + text.slice((cut % (text.length + 1)) + 1);
        if (findJsonSyntaxError(damaged) !== undefined) {
          expect(() => parseJsonValues(damaged, 'f.json')).toThrow();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reports deep nesting instead of overflowing the stack', () => {
    expect(findJsonSyntaxError('['.repeat(100_000))?.message).toMatch(/nesting deeper/);
  });
});

describe('reading files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tripline-json-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('names the file, line and column of a syntax error', () => {
    const path = write('bad.json', '{\n  "RoleDetailList": [\n    {"RoleName": "a",}\n  ]\n}\n');
    expect(() => readJsonValues(path, 'bad.json')).toThrow(
      new InputError("bad.json: line 3, column 22: unexpected '}' after ',': remove the trailing comma"),
    );
  });

  it('reads concatenated pages and skips a byte-order mark', () => {
    const path = write('pages.json', '\ufeff{"RoleDetailList": []}\n{"RoleDetailList": []}\n');
    expect(readJsonValues(path).values).toHaveLength(2);
  });

  it('names a missing file', () => {
    expect(() => readJsonValues(join(dir, 'nope.json'), 'nope.json')).toThrow(
      'nope.json: cannot read file (no such file)',
    );
  });

  it('wants exactly one document in a config file', () => {
    expect(() => readJsonDocument(write('two.json', '{} {}'), 'two.json')).toThrow(
      /two.json: expected one JSON document/,
    );
    expect(readJsonDocument(write('one.json', '{"a": 1}'))).toEqual({ a: 1 });
  });
});
