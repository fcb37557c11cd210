import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { sameDeps } from './same-deps';

export interface ApiResource<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (update: (prev: T | null) => T | null) => void;
}

/**
 * Loads data on mount and whenever `deps` change, aborting the previous
 * request so a slow answer can never overwrite a newer one.
 */
export function useApiResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): ApiResource<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const [seenDeps, setSeenDeps] = useState(deps);
  const loadRef = useRef(load);

  useEffect(() => {
    loadRef.current = load;
  });

  // Reset while rendering (not in the effect) so the stale result is never
  // painted under the new parameters.
  if (!sameDeps(seenDeps, deps)) {
    setSeenDeps(deps);
    setLoading(true);
    setError(null);
  }

  useEffect(() => {
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        setDataState(result);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      controller.abort();
    };
  }, [seenDeps, generation]);

  const reload = useCallback(() => {
    setLoading(true);
    setError(null);
    setGeneration((g) => g + 1);
  }, []);
  const setData = useCallback((update: (prev: T | null) => T | null) => {
    setDataState(update);
  }, []);
  return { data, error, loading, reload, setData };
}
