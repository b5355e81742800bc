/**
 * Reads JSON input files for the CLI and, when one is malformed, says exactly where: `file: line 12, column 7:
 * expected ',' or '}' after a property value`. (Node 20's JSON.parse often gives no position at all.)
 */

import { readFileSync } from 'node:fs';
import { parseJsonValues, SnapshotInputError } from '../shared/snapshot/parse-authorization-details.ts';
import { InputError } from './input-error.ts';

export interface JsonSyntaxProblem {
  offset: number;
  message: string;
}

const MAX_DEPTH = 512;

class JsonSyntaxStop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function describeChar(ch: string | undefined): string {
  if (ch === undefined) return 'end of file';
  if (ch === '\n') return 'end of line';
  const code = ch.charCodeAt(0);
  return code < 0x20 ? `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `'${ch}'`;
}

/** A strict JSON reader that only looks for the first syntax error in one value or several concatenated. */
class SyntaxScanner {
  private i = 0;
  constructor(private readonly s: string) {}

  scan(): JsonSyntaxProblem | undefined {
    try {
      let values = 0;
      for (;;) {
        this.skipSpace();
        if (this.i >= this.s.length) break;
        this.value(0);
        values++;
      }
      if (values === 0) return { offset: 0, message: 'empty file: expected JSON' };
      return undefined;
    } catch (error) {
      if (error instanceof JsonSyntaxStop) return { offset: error.offset, message: error.message };
      throw error;
    }
  }

  private stop(message: string, offset = this.i): never {
    throw new JsonSyntaxStop(offset, message);
  }

  private skipSpace(): void {
    for (;;) {
      const ch = this.s[this.i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.i++;
      else return;
    }
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) this.stop(`nesting deeper than ${MAX_DEPTH} levels`);
    this.skipSpace();
    const ch = this.s[this.i];
    if (ch === '{') this.object(depth);
    else if (ch === '[') this.array(depth);
    else if (ch === '"') this.string();
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) this.number();
    else if (ch !== undefined && /[A-Za-z]/.test(ch)) this.literal();
    else this.stop(`unexpected ${describeChar(ch)}: expected a value`);
  }

  private object(depth: number): void {
    this.i++;
    this.skipSpace();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const ch = this.s[this.i];
      if (ch !== '"') {
        this.stop(
          ch === '}'
            ? "unexpected '}' after ',': remove the trailing comma"
            : `unexpected ${describeChar(ch)}: expected a property name in double quotes`,
        );
      }
      this.string();
      this.skipSpace();
      if (this.s[this.i] !== ':')
        this.stop(`unexpected ${describeChar(this.s[this.i])}: expected ':' after the property name`);
      this.i++;
      this.value(depth + 1);
      this.skipSpace();
      const next = this.s[this.i];
      if (next === ',') {
        this.i++;
        continue;
      }
      if (next === '}') {
        this.i++;
        return;
      }
      this.stop(`unexpected ${describeChar(next)}: expected ',' or '}' after a property value`);
    }
  }

  private array(depth: number): void {
    this.i++;
    this.skipSpace();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === ']') this.stop("unexpected ']' after ',': remove the trailing comma");
      this.value(depth + 1);
      this.skipSpace();
      const next = this.s[this.i];
      if (next === ',') {
        this.i++;
        continue;
      }
      if (next === ']') {
        this.i++;
        return;
      }
      this.stop(`unexpected ${describeChar(next)}: expected ',' or ']' after an array element`);
    }
  }

  private string(): void {
    const start = this.i;
    this.i++;
    for (;;) {
      const ch = this.s[this.i];
      if (ch === undefined) this.stop('string is never closed', start);
      if (ch === '"') {
        this.i++;
        return;
      }
      if (ch === '\\') {
        const escaped = this.s[this.i + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6)))
            this.stop('invalid \\u escape: expected 4 hex digits');
          this.i += 6;
          continue;
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped))
          this.stop(`invalid escape \\${escaped ?? ''} in a string`);
        this.i += 2;
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) this.stop(`${describeChar(ch)} inside a string: escape it`);
      this.i++;
    }
  }

  private number(): void {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.i;
    const m = match.exec(this.s);
    if (!m) this.stop('invalid number');
    this.i += m[0].length;
  }

  private literal(): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    const word = /[A-Za-z]+/y;
    word.lastIndex = this.i;
    this.stop(
      `unexpected '${word.exec(this.s)?.[0] ?? this.s[this.i]}': expected a value (true, false and null are lower case)`,
    );
  }
}

/** The first JSON syntax error in `text` (one value, or several one after another), if any. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  return new SyntaxScanner(text).scan();
}

/** `line L, column C` (both from 1) of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Reads a file as text (without a byte-order mark); I/O failures become an InputError naming the file. */
export function readText(path: string, name = path): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (code ?? (error as Error).message);
    throw new InputError(`${name}: cannot read file (${reason})`, { cause: error });
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function syntaxError(text: string, name: string): InputError | undefined {
  const problem = findJsonSyntaxError(text);
  if (!problem) return undefined;
  const { line, column } = lineAndColumn(text, problem.offset);
  return new InputError(`${name}: line ${line}, column ${column}: ${problem.message}`);
}

export interface JsonFile {
  /** The text as read (without a byte-order mark): for locating things in it later. */
  text: string;
  /** One value per JSON document in the file (paged CLI output may hold several). */
  values: unknown[];
}

/** Reads a file of one or more JSON values; a syntax error names the file, line and column. */
export function readJsonValues(path: string, name = path): JsonFile {
  const text = readText(path, name);
  try {
    return { text, values: parseJsonValues(text, name) };
  } catch (error) {
    if (error instanceof SnapshotInputError) throw syntaxError(text, name) ?? error;
    throw error;
  }
}

/** Reads a file holding exactly one JSON value. */
export function readJsonDocument(path: string, name = path): unknown {
  const text = readText(path, name);
  try {
    return JSON.parse(text);
  } catch (error) {
    const located = syntaxError(text, name);
    if (located) throw located;
    throw new InputError(`${name}: expected one JSON document (${(error as Error).message})`, {
      cause: error,
    });
  }
}
