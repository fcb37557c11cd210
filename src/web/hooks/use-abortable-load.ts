import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { sameDeps } from './same-deps';

/** Settles `request` into one of the callbacks unless `signal` was aborted first. */
export function settleUnlessAborted<T>(
  request: Promise<T>,
  signal: AbortSignal,
  onResult: (result: T) => void,
  onError: (error: unknown) => void,
): void {
  request.then(
    (result) => {
      if (!signal.aborted) onResult(result);
    },
    (error: unknown) => {
      if (!signal.aborted) onError(error);
    },
  );
}

export interface AbortableLoad {
  loading: boolean;
  error: unknown;
  reload: () => void;
}

interface AbortableLoadCallbacks<T> {
  /** Receives each result that was not superseded by newer `deps` or a `reload()`. */
  onLoaded: (result: T) => void;
  /** Clears the caller's own state whenever a fresh load starts (new `deps` or `reload()`). */
  onReset?: () => void;
}

/**
 * The core of the data hooks: runs `load` on mount, whenever `deps` change and
 * on `reload()`, aborting the previous request so a slow answer can never
 * overwrite a newer one.
 */
export function useAbortableLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
  { onLoaded, onReset }: AbortableLoadCallbacks<T>,
): AbortableLoad {
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [seenDeps, setSeenDeps] = useState(deps);
  const latest = useRef({ load, onLoaded, onReset });

  useEffect(() => {
    latest.current = { load, onLoaded, onReset };
  });

  // Reset while rendering (not in the effect) so the stale result is never
  // painted under the new parameters.
  if (!sameDeps(seenDeps, deps)) {
    setSeenDeps(deps);
    setLoading(true);
    setError(null);
    onReset?.();
  }

  useEffect(() => {
    const controller = new AbortController();
    settleUnlessAborted(
      latest.current.load(controller.signal),
      controller.signal,
      (result) => {
        latest.current.onLoaded(result);
        setLoading(false);
      },
      (err) => {
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
    latest.current.onReset?.();
    setGeneration((g) => g + 1);
  }, []);

  return { loading, error, reload };
}
