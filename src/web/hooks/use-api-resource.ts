import { useCallback, useState, type DependencyList } from 'react';
import { useAbortableLoad } from './use-abortable-load';

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
  const { loading, error, reload } = useAbortableLoad(load, deps, { onLoaded: setDataState });
  const setData = useCallback((update: (prev: T | null) => T | null) => {
    setDataState(update);
  }, []);
  return { data, error, loading, reload, setData };
}
