// The request body as JSON, strictly: valid UTF-8, exactly one RFC 8259 value with nothing
// but whitespace after it, no duplicate member names (two `KeyId`s could let a proxy and the
// service each see a different key), nesting at most MAX_DEPTH deep (KMS requests nest three
// levels). JSON.parse allows duplicates and has no depth limit, hence this small parser.
import { type WireResult, fail, ok, wireError } from '../wireError.js';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [member: string]: JsonValue;
}

export const MAX_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapes: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class JsonSyntaxError extends Error {}

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.i < this.text.length) this.fail('Unexpected content after the JSON value');
    return value;
  }

  private fail(what: string): never {
    throw new JsonSyntaxError(`${what} at offset ${this.i}`);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.i++;
    }
  }

  private value(depth: number): JsonValue {
    this.skipWhitespace();
    const c = this.text[this.i];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (this.text.startsWith('true', this.i)) return (this.i += 4), true;
    if (this.text.startsWith('false', this.i)) return (this.i += 5), false;
    if (this.text.startsWith('null', this.i)) return (this.i += 4), null;
    numberPattern.lastIndex = this.i;
    const m = numberPattern.exec(this.text);
    if (!m) return this.fail(c === undefined ? 'Unexpected end of input' : 'Unexpected character');
    const n = Number(m[0]);
    if (!Number.isFinite(n)) this.fail('Number out of range');
    this.i += m[0].length;
    return n;
  }

  private object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail('Nesting too deep');
    this.i++;
    // No prototype: a member called "__proto__" is just a member.
    const out = Object.create(null) as Record<string, JsonValue>;
    this.skipWhitespace();
    if (this.text[this.i] === '}') return this.i++, out;
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.i] !== '"') this.fail('Expected a member name');
      const name = this.string();
      if (Object.hasOwn(out, name)) this.fail(`Duplicate member '${name.slice(0, 64)}'`);
      this.skipWhitespace();
      if (this.text[this.i] !== ':') this.fail("Expected ':'");
      this.i++;
      out[name] = this.value(depth);
      this.skipWhitespace();
      const c = this.text[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail("Expected ',' or '}'");
    }
  }

  private array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail('Nesting too deep');
    this.i++;
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.i] === ']') return this.i++, out;
    for (;;) {
      out.push(this.value(depth));
      this.skipWhitespace();
      const c = this.text[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail("Expected ',' or ']'");
    }
  }

  private string(): string {
    this.i++;
    let out = '';
    let start = this.i;
    for (;;) {
      const code = this.text.charCodeAt(this.i);
      if (Number.isNaN(code)) this.fail('Unterminated string');
      if (code < 0x20) this.fail('Control character in string');
      if (code === 0x22) {
        out += this.text.slice(start, this.i++);
        return out;
      }
      if (code !== 0x5c) {
        this.i++;
        continue;
      }
      out += this.text.slice(start, this.i);
      const e = this.text[this.i + 1] ?? '';
      if (e === 'u') {
        const hex = this.text.slice(this.i + 2, this.i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.i += 6;
      } else {
        const decoded = escapes[e];
        if (decoded === undefined) this.fail('Invalid escape');
        out += decoded;
        this.i += 2;
      }
      start = this.i;
    }
  }
}

/** Parses a request body: SerializationException for anything that is not one strict JSON value. */
export const parseStrictJson = (body: Uint8Array): WireResult<JsonValue> => {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return fail(wireError('SerializationException', 'The request body is not valid UTF-8'));
  }
  try {
    return ok(new Parser(text).parseDocument());
  } catch (e) {
    if (e instanceof JsonSyntaxError) return fail(wireError('SerializationException', `Malformed JSON: ${e.message}`));
    throw e;
  }
};
