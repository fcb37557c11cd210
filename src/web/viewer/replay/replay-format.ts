import { formatDuration } from '../../format/clock-format';

/** 65_000 -> "1:05"; 3_725_000 -> "1:02:05" (a video player's clock). */
export function formatClock(ms: number): string {
  return formatDuration(ms);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
/** 1_572_864 -> "1.5 MB" (binary steps, one decimal under 10). */
export function formatBytes(bytes: number, lang: string): string {
  let v = Math.max(0, bytes);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v)} ${UNITS[u]}`;
}
