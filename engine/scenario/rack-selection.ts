/**
 * Rack selections as scenario files write them. Racks are named by row letter and number: row A is
 * the first row, rack "C7" is the 7th rack of the 3rd row. A selection is "all", one rack ("C7"),
 * a row ("row:C"), or a row-major range ("A1-B12"). Returns rack indices (row × racksPerRow +
 * number − 1) in selection order, or an error text for the issue list.
 *
 * Example: fromRackSelection(["row:B"], 6, 12) gives { indices: [12, ..., 23] }.
 */
export function fromRackSelection(
  items: readonly string[],
  rows: number,
  racksPerRow: number,
): { indices: number[] } | { error: string; item: string } {
  const indices: number[] = [];
  const total = rows * racksPerRow;
  for (const raw of items) {
    const item = raw.trim();
    if (item === "all") {
      for (let i = 0; i < total; i++) indices.push(i);
      continue;
    }
    const row = /^row:([A-Za-z])$/.exec(item);
    if (row) {
      const r = row[1]!.toUpperCase().charCodeAt(0) - 65;
      if (r >= rows) return { item: raw, error: `a row from A to ${rowLetter(rows - 1)}` };
      for (let n = 0; n < racksPerRow; n++) indices.push(r * racksPerRow + n);
      continue;
    }
    const range = /^([A-Za-z]\d+)\s*-\s*([A-Za-z]\d+)$/.exec(item);
    if (range) {
      const from = rackIndex(range[1]!, rows, racksPerRow);
      const to = rackIndex(range[2]!, rows, racksPerRow);
      if (from === undefined || to === undefined || to < from) {
        return { item: raw, error: `a range of racks between A1 and ${rackName(total - 1, racksPerRow)}, first before last` };
      }
      for (let i = from; i <= to; i++) indices.push(i);
      continue;
    }
    const single = rackIndex(item, rows, racksPerRow);
    if (single === undefined) {
      return { item: raw, error: `"all", a rack from A1 to ${rackName(total - 1, racksPerRow)}, "row:X" or a range "A1-B12"` };
    }
    indices.push(single);
  }
  const seen = new Set<number>();
  return { indices: indices.filter((i) => (seen.has(i) ? false : (seen.add(i), true))) };
}

/** Rack name of an index, e.g. rackName(14, 12) === "B3". */
export function rackName(index: number, racksPerRow: number): string {
  return `${rowLetter(Math.floor(index / racksPerRow))}${(index % racksPerRow) + 1}`;
}

/** Row letter of a row index, e.g. rowLetter(2) === "C". */
export function rowLetter(row: number): string {
  return String.fromCharCode(65 + row);
}

function rackIndex(name: string, rows: number, racksPerRow: number): number | undefined {
  const match = /^([A-Za-z])(\d+)$/.exec(name.trim());
  if (!match) return undefined;
  const row = match[1]!.toUpperCase().charCodeAt(0) - 65;
  const n = Number(match[2]);
  if (row >= rows || n < 1 || n > racksPerRow) return undefined;
  return row * racksPerRow + n - 1;
}
