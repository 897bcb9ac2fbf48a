/**
 * An RFC 4180 tokenizer for text that arrives in chunks, as lenient as spreadsheet files need: CRLF, LF or
 * CR line ends, `""` inside quoted cells, line breaks inside quoted cells, a stray quote inside an unquoted
 * cell taken literally, blank lines skipped. A record it cannot read (text after a closing quote, a quote
 * never closed, a record over the size limit) comes out as an error with its line, and reading goes on.
 *
 * Why not csv-parse: with line numbers on (its `info` option) it spent half of a million-row import's
 * parse time building per-record info objects; the import needs only the line each record starts on.
 */

export type CsvToken = { line: number; cells: string[] } | { line: number; error: string };

const QUOTE = 34;
const CR = 13;
const LF = 10;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted cell: the end of the cell, or the first of `""`. */
  QuoteInQuoted,
  AfterQuote,
  /** Skipping the rest of a broken record up to the end of its line. */
  Skip,
}

export class CsvTokenizer {
  private state = State.FieldStart;
  private field = '';
  private cells: string[] = [];
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;
  private pendingCr = false;
  /** The record has a quoted cell, so a lone empty cell is "" and not a blank line. */
  private quotedFieldInRecord = false;
  /** A CR ended the last chunk inside a quoted cell: its line counts unless an LF follows. */
  private quotedCrAtEnd = false;
  private skipError = '';

  constructor(
    private readonly delimiter: number,
    private readonly maxRecordChars: number,
  ) {}

  /** Tokenizes the next piece of text, appending every record it completes to `out`. */
  push(text: string, out: CsvToken[]): void {
    let i = 0;
    const n = text.length;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (n > 0 && text.charCodeAt(0) === LF) i = 1;
    }
    if (this.quotedCrAtEnd) {
      this.quotedCrAtEnd = false;
      if (n === 0 || text.charCodeAt(0) !== LF) this.line++;
    }
    let segStart = i;
    const d = this.delimiter;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.quotedFieldInRecord = true;
            segStart = i + 1;
            break;
          }
          this.state = State.Unquoted;
          segStart = i;
        // falls through: the character belongs to the unquoted cell
        case State.Unquoted:
          if (c === d) {
            this.endField(text.slice(segStart, i));
            segStart = i + 1;
          } else if (c === LF || c === CR) {
            this.endField(text.slice(segStart, i));
            this.endRecord(out);
            i = this.lineEnd(text, i);
            this.recordLine = this.line;
            segStart = i + 1;
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(segStart, i);
            this.state = State.QuoteInQuoted;
          } else if (c === LF) {
            this.line++;
          } else if (c === CR) {
            if (i + 1 === n) this.quotedCrAtEnd = true;
            else if (text.charCodeAt(i + 1) !== LF) this.line++;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            segStart = i + 1;
            break;
          }
          this.state = State.AfterQuote;
        // falls through: the closing quote was the end of the cell
        case State.AfterQuote:
          if (c === d) {
            this.endField('');
            segStart = i + 1;
          } else if (c === LF || c === CR) {
            this.endField('');
            this.endRecord(out);
            i = this.lineEnd(text, i);
            this.recordLine = this.line;
            segStart = i + 1;
          } else {
            this.fail(
              'A quoted cell continues after its closing quote; write "" for a quote inside a quoted cell.',
            );
          }
          break;
        case State.Skip:
          if (c === LF || c === CR) {
            out.push({ line: this.recordLine, error: this.skipError });
            i = this.lineEnd(text, i);
            this.recordLine = this.line;
            this.resetRecord();
            segStart = i + 1;
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) {
      const rest = text.slice(segStart);
      this.field += rest;
      this.recordChars += rest.length;
      if (this.recordChars > this.maxRecordChars) {
        this.fail(
          `The row is longer than ${Math.round(this.maxRecordChars / 1024)} KB; a quote is probably not closed.`,
        );
      }
    }
  }

  /** The end of the text: the last record, or the error of a quote never closed. */
  end(out: CsvToken[]): void {
    switch (this.state) {
      case State.Quoted:
        out.push({
          line: this.recordLine,
          error: 'A quoted cell is not closed: add the missing double quote (").',
        });
        break;
      case State.Skip:
        out.push({ line: this.recordLine, error: this.skipError });
        break;
      case State.FieldStart:
        if (this.cells.length > 0) {
          this.endField('');
          this.endRecord(out);
        }
        break;
      default:
        this.endField('');
        this.endRecord(out);
    }
    this.resetRecord();
  }

  private endField(tail: string): void {
    const value = this.field + tail;
    this.recordChars += tail.length;
    this.cells.push(value);
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRecord(out: CsvToken[]): void {
    const cells = this.cells;
    // A blank line is one empty unquoted cell: skipped, as spreadsheets leave them at the end.
    if (!(cells.length === 1 && cells[0] === '' && !this.quotedFieldInRecord)) {
      if (this.recordChars > this.maxRecordChars) {
        out.push({
          line: this.recordLine,
          error: `The row is longer than ${Math.round(this.maxRecordChars / 1024)} KB; a quote is probably not closed.`,
        });
      } else {
        out.push({ line: this.recordLine, cells });
      }
    }
    this.resetRecord();
  }

  /** Consumes a CRLF pair (also across chunks) and counts the line; returns the index of its last character. */
  private lineEnd(text: string, i: number): number {
    this.line++;
    if (text.charCodeAt(i) === CR) {
      if (i + 1 < text.length) {
        if (text.charCodeAt(i + 1) === LF) return i + 1;
      } else {
        this.pendingCr = true;
      }
    }
    return i;
  }

  private resetRecord(): void {
    this.cells = [];
    this.field = '';
    this.recordChars = 0;
    this.quotedFieldInRecord = false;
    this.state = State.FieldStart;
  }

  private fail(message: string): void {
    this.skipError = message;
    this.field = '';
    this.cells = [];
    this.state = State.Skip;
  }
}
