import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { Page } from '../api/api-types';

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
  const loadRef = useRef(load);
  const moreController = useRef<AbortController | null>(null);

  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    moreController.current?.abort();
    setLoading(true);
    setLoadingMore(false);
    setError(null);
    setLoadMoreError(null);
    loadRef.current(null, controller.signal)
      .then((page) => {
        if (controller.signal.aborted) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);

  const loadMore = useCallback(() => {
    if (!nextCursor || loadingMore) return;
    const controller = new AbortController();
    moreController.current = controller;
    setLoadingMore(true);
    setLoadMoreError(null);
    loadRef.current(nextCursor, controller.signal)
      .then((page) => {
        if (controller.signal.aborted) return;
        setItems((prev) => [...prev, ...page.items]);
        setNextCursor(page.nextCursor);
        setLoadingMore(false);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setLoadMoreError(err);
        setLoadingMore(false);
      });
  }, [nextCursor, loadingMore]);

  useEffect(() => () => moreController.current?.abort(), []);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const updateItems = useCallback((update: (items: T[]) => T[]) => setItems(update), []);

  return { items, nextCursor, loading, loadingMore, error, loadMoreError, reload, loadMore, updateItems };
}
