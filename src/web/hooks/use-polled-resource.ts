import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

export interface PolledResource<T> {
  data: T | null;
  error: unknown;
  /** True only until the first answer; refreshes keep showing the old data. */
  loading: boolean;
  refresh: () => void;
  setData: (update: (prev: T | null) => T | null) => void;
}

/**
 * Loads on mount (and when `deps` change), then again every `intervalMs` while the tab is
 * visible, and on `refresh()`. A refresh never blanks the list; an older answer never
 * overwrites a newer one.
 */
export function usePolledResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
  intervalMs: number,
  enabled = true,
): PolledResource<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(enabled);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        setDataState(result);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => { controller.abort(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` are the caller's, like useEffect's own
  }, [enabled, tick, ...deps]);

  useEffect(() => {
    if (!enabled || intervalMs <= 0) return;
    const timer = window.setInterval(() => {
      if (!document.hidden) setTick((n) => n + 1);
    }, intervalMs);
    return () => { window.clearInterval(timer); };
  }, [enabled, intervalMs]);

  const refresh = useCallback(() => { setTick((n) => n + 1); }, []);
  const setData = useCallback((update: (prev: T | null) => T | null) => { setDataState(update); }, []);

  return { data, error, loading, refresh, setData };
}
