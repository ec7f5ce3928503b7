import { parseString } from "fast-csv";
import { unreadableFile } from "../models/lib/errors.js";

/**
 * CSV splitting for every dataset loader, by fast-csv (RFC 4180 quoting, so a quoted field may hold
 * commas, quotes or line breaks; a leading byte-order mark dropped; LF, CRLF or lone CR line ends).
 * Pure: parses text already read; the loaders do the reading.
 */

/** One non-blank record of a CSV text. */
export interface CsvRow {
  /** 1-based record number, blank records counted: the file line unless a quoted field spans lines. */
  readonly row: number;
  /** The record's fields, each trimmed of surrounding white space. */
  readonly cells: string[];
}

/**
 * The non-blank records of a CSV text (a record is blank when every field is empty after trimming).
 * Rejects with a UserError naming `source` when fast-csv cannot parse the text (an unclosed quote).
 * Example: await csvRowsOf('\uFEFFa,b\r\n1,"x, y"\r\n') → [{ row: 1, cells: ["a", "b"] }, { row: 2, cells: ["1", "x, y"] }].
 */
export function csvRowsOf(text: string, source: string): Promise<CsvRow[]> {
  return new Promise((resolve, reject) => {
    const rows: CsvRow[] = [];
    let row = 0;
    parseString<string[], string[]>(text, { trim: true })
      .on("error", (error: Error) => reject(unreadableFile(source, `not valid CSV: ${error.message}`)))
      .on("data", (cells: string[]) => {
        row++;
        if (cells.some((cell) => cell !== "")) rows.push({ row, cells });
      })
      .on("end", () => resolve(rows));
  });
}

/** The header record's cells joined by commas ("" for a text without records), for header checks and messages. */
export function headerText(rows: readonly CsvRow[]): string {
  return rows[0]?.cells.join(",") ?? "";
}
