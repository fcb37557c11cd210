const plain = new Map<string, Intl.NumberFormat>();
const compact = new Map<string, Intl.NumberFormat>();

function formatter(cache: Map<string, Intl.NumberFormat>, lang: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, options);
    cache.set(lang, f);
  }
  return f;
}

/** Live counters: exact below ten thousand (1,234), short above it (12K, 1.2万). */
export function formatLiveCount(n: number, lang: string): string {
  if (Math.abs(n) < 10_000) return formatter(plain, lang, { maximumFractionDigits: 0 }).format(n);
  return formatter(compact, lang, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
