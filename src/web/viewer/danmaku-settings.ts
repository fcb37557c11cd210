export const DANMAKU_DENSITIES = ['low', 'normal', 'high'] as const;
export type DanmakuDensity = (typeof DANMAKU_DENSITIES)[number];

export interface DanmakuSettings {
  enabled: boolean;
  density: DanmakuDensity;
}

export const DANMAKU_STORAGE_KEY = 'onair.danmaku';

function prefersReducedMotion(): boolean {
  try {
    return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  } catch {
    return false;
  }
}

/** The viewer's choice from last time; with none, on (off for people who asked for less motion). */
export function readDanmakuSettings(): DanmakuSettings {
  const fallback: DanmakuSettings = { enabled: !prefersReducedMotion(), density: 'normal' };
  try {
    const raw = localStorage.getItem(DANMAKU_STORAGE_KEY);
    if (!raw) return fallback;
    const parsed = JSON.parse(raw) as Partial<Record<keyof DanmakuSettings, unknown>> | null;
    return {
      enabled: typeof parsed?.enabled === 'boolean' ? parsed.enabled : fallback.enabled,
      density: DANMAKU_DENSITIES.find((d) => d === parsed?.density) ?? fallback.density,
    };
  } catch {
    return fallback;
  }
}

export function storeDanmakuSettings(settings: DanmakuSettings): void {
  try {
    localStorage.setItem(DANMAKU_STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Without storage the choice lasts for this page only.
  }
}
