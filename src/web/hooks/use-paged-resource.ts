import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { Page } from '../api/api-types';
import { settleUnlessAborted, useAbortableLoad } from './use-abortable-load';

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
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<unknown>(null);
  const loadRef = useRef(load);
  const moreController = useRef<AbortController | null>(null);

  useEffect(() => {
    loadRef.current = load;
  });

  // A new filter (or a reload) starts over from the first page.
  const { loading, error, reload } = useAbortableLoad(
    (signal) => {
      // A "load more" for the previous filter must not append to the new list.
      moreController.current?.abort();
      return load(null, signal);
    },
    deps,
    {
      onLoaded: (page) => {
        setItems(page.items);
        setNextCursor(page.nextCursor);
      },
      onReset: () => {
        setLoadingMore(false);
        setLoadMoreError(null);
      },
    },
  );

  const loadMore = useCallback(() => {
    if (!nextCursor || loadingMore) return;
    const controller = new AbortController();
    moreController.current = controller;
    setLoadingMore(true);
    setLoadMoreError(null);
    settleUnlessAborted(
      loadRef.current(nextCursor, controller.signal),
      controller.signal,
      (page) => {
        setItems((prev) => [...prev, ...page.items]);
        setNextCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (err) => {
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

  const updateItems = useCallback((update: (items: T[]) => T[]) => {
    setItems(update);
  }, []);

  return { items, nextCursor, loading, loadingMore, error, loadMoreError, reload, loadMore, updateItems };
}
