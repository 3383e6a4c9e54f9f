/**
 * Splits a QMP input byte stream into top-level JSON values, as qobject/json-streamer.c does: values may
 * be split across chunks or share one, and need no separators beyond what JSON requires. Memory is
 * bounded: a value longer than the limit, or nested deeper than 1024, is reported once and skipped.
 * @packageDocumentation
 */

/** One item out of the splitter: the text of a whole value, or an error to reply with. @internal */
export type SplitItem = { readonly text: string } | { readonly error: string };

const MAX_NESTING = 1024; // qobject/json-streamer.c:MAX_NESTING
const [QUOTE, BACKSLASH, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = [34, 92, 123, 125, 91, 93];
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isStructural = (c: number) =>
  c === OPEN_BRACE || c === CLOSE_BRACE || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === QUOTE;

/** The streaming splitter; one per connection. @internal */
export class JsonSplitter {
  private open = false;
  private parts: Buffer[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  private scalar = false;
  private skipping = false;

  /** @param limit - the largest value, in bytes. */
  constructor(private readonly limit: number) {}

  /** Feeds a chunk; returns the values (and errors) it completed, in order. */
  push(chunk: Buffer): SplitItem[] {
    const out: SplitItem[] = [];
    let start = 0;
    const emit = (end: number) => {
      if (!this.skipping)
        out.push({ text: Buffer.concat([...this.parts, chunk.subarray(start, end)]).toString() });
      this.reset();
    };
    const skip = (error: string) => {
      if (!this.skipping) out.push({ error });
      this.skipping = true;
      this.parts = [];
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (!this.open) {
        if (isSpace(c)) continue;
        this.open = true;
        start = i;
        if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 1;
        else if (c === QUOTE) this.inString = true;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET)
          emit(i + 1); // stray: JSON.parse reports it
        else this.scalar = true;
      } else if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 0) emit(i + 1);
        } else if (c < 0x20) {
          // qobject/json-lexer.c: a control character ends the string with a lexical error; resync here.
          if (!this.skipping) out.push({ error: 'JSON parse error, control character in string' });
          this.reset();
        }
      } else if (this.scalar) {
        if (isSpace(c) || isStructural(c)) {
          emit(i);
          i--; // this byte starts the next value (or is whitespace)
        }
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++this.depth > MAX_NESTING) skip('JSON parse error, nesting depth limit exceeded');
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--this.depth === 0) emit(i + 1);
      }
      if (this.open && !this.skipping && this.size + (i + 1 - start) > this.limit)
        skip(`JSON parse error, input exceeds the limit of ${this.limit} bytes`);
    }
    if (this.open && !this.skipping) {
      this.parts.push(chunk.subarray(start));
      this.size += chunk.length - start;
    }
    return out;
  }

  private reset(): void {
    this.open = this.inString = this.escape = this.scalar = this.skipping = false;
    this.parts = [];
    this.size = this.depth = 0;
  }
}
