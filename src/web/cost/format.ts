/** Money and change as the cost page writes them: `$12,345.67`, `+$254.87`, `+1.2%`. */
export function money(value: number, unit = 'USD'): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: unit, maximumFractionDigits: 2 }).format(
      value,
    );
  } catch {
    return `${value.toFixed(2)} ${unit}`;
  }
}

export function signedMoney(value: number, unit = 'USD'): string {
  return `${value >= 0 ? '+' : '−'}${money(Math.abs(value), unit)}`;
}

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'new';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}%`;
}

/** Up or down in words and an arrow, so the direction never rests on colour alone. */
export function direction(value: number): { word: string; arrow: string; className: string } {
  if (value > 0) return { word: 'up', arrow: '▲', className: 'cost-up' };
  if (value < 0) return { word: 'down', arrow: '▼', className: 'cost-down' };
  return { word: 'flat', arrow: '•', className: '' };
}

/** A month's header: `2026-11`, `2026-12 to date`. */
export function monthLabel(m: { month: string; estimated: boolean; partial: boolean }): string {
  return m.estimated ? `${m.month} to date` : m.partial ? `${m.month} (part)` : m.month;
}
