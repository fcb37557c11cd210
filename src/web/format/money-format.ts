const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Formats an integer amount of fen as yuan. Prices stay integers everywhere
 * else; the division happens only here, for display.
 */
export function formatFen(fen: number, locale: string, currency = 'CNY'): string {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      // "narrowSymbol" gives "¥" in every locale instead of "CN¥" in English.
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    formatters.set(key, formatter);
  }
  return formatter.format(fen / 100);
}

export function formatCount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}
