import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { Page } from '../api/api-types';
import { sameDeps } from './same-deps';

export interface PagedResource<T> {
  items: T[];
  nextCursor: string | null;
  /** True only for the first page; later pages use `loadingMore`. */
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  loadMoreError: unknown;
  reload: () => void;
  loadMore: () => void;
  updateItems: (update: (items: T[]) => T[]) => void;
}

/** Cursor pagination: the first page reloads when `deps` change, later pages append. */
export function usePagedResource<T>(
  load: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
  deps: DependencyList,
): PagedResource<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [loadMoreError, setLoadMoreError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [seenDeps, setSeenDeps] = useState(deps);
  const loadRef = useRef(load);
  const moreController = useRef<AbortController | null>(null);

  useEffect(() => {
    loadRef.current = load;
  });

  const resetToFirstPage = () => {
    setLoading(true);
    setLoadingMore(false);
    setError(null);
    setLoadMoreError(null);
  };

  // A new filter starts over from the first page; reset during render so the
  // old list is never shown under the new filter.
  if (!sameDeps(seenDeps, deps)) {
    setSeenDeps(deps);
    resetToFirstPage();
  }

  useEffect(() => {
    const controller = new AbortController();
    // A "load more" for the previous filter must not append to the new list.
    moreController.current?.abort();
    loadRef.current(null, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
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

  const loadMore = useCallback(() => {
    if (!nextCursor || loadingMore) return;
    const controller = new AbortController();
    moreController.current = controller;
    setLoadingMore(true);
    setLoadMoreError(null);
    loadRef.current(nextCursor, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems((prev) => [...prev, ...page.items]);
        setNextCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setLoadMoreError(err);
        setLoadingMore(false);
      },
    );
  }, [nextCursor, loadingMore]);

  useEffect(
    () => () => {
      moreController.current?.abort();
    },
    [],
  );

  const reload = useCallback(() => {
    resetToFirstPage();
    setGeneration((g) => g + 1);
  }, []);
  const updateItems = useCallback((update: (items: T[]) => T[]) => {
    setItems(update);
  }, []);

  return { items, nextCursor, loading, loadingMore, error, loadMoreError, reload, loadMore, updateItems };
}
