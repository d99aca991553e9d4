import type { TargetResult } from './run-types.js';

/** One CSV field, quoted when it must be (RFC 4180), and never read as a formula by a spreadsheet. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const COLUMNS = ['account', 'account_id', 'region', 'status', 'code', 'aws_code', 'message', 'value'] as const;

/** The results as CSV: one row per target, the value as JSON in its column. */
export function resultsCsv(results: readonly TargetResult[]): string {
  const rows = results.map((r) =>
    [r.account, r.account_id, r.region, r.ok ? 'ok' : 'failed', r.code, r.aws_code, r.message, r.value ?? null]
      .map(csvField)
      .join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function resultsJson(results: readonly TargetResult[]): string {
  return JSON.stringify(results, null, 2) + '\n';
}

/** Saves text as a file, in the browser, from a Blob: nothing goes back to the server. */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
