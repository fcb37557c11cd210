/** One CSV cell: quoted when needed; a leading =, +, - or @ is defused so a spreadsheet shows it as text. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV row: numbers as they are (a negative number stays a number), text through csvCell. */
export function csvRow(cells: readonly (string | number | null)[]): string {
  return cells.map((c) => (c === null ? '' : typeof c === 'number' ? (Number.isFinite(c) ? String(c) : '') : csvCell(c))).join(',');
}
