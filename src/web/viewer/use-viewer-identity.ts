import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError, setCsrfToken } from '../api/api-client';
import type { Viewer } from '../api/api-types';
import { viewerApi } from '../api/viewer-api';
import { readStoredGuest, storeGuest } from './guest-token-store';

export type ViewerIdentity =
  | { kind: 'loading' }
  | { kind: 'guest'; guestId: string }
  | { kind: 'viewer'; viewer: Viewer }
  // The page stays readable even if we couldn't get a guest token.
  | { kind: 'anonymous' };

async function guestIdentity(): Promise<ViewerIdentity> {
  const stored = readStoredGuest();
  if (stored) return { kind: 'guest', guestId: stored.guestId };
  try {
    const grant = await viewerApi.guest();
    storeGuest(grant);
    return { kind: 'guest', guestId: grant.guestId };
  } catch {
    return { kind: 'anonymous' };
  }
}

export function useViewerIdentity() {
  const [identity, setIdentity] = useState<ViewerIdentity>({ kind: 'loading' });
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    const controller = new AbortController();
    viewerApi
      .me(controller.signal)
      .then(({ viewer, csrfToken }) => {
        setCsrfToken('viewer', csrfToken);
        setIdentity({ kind: 'viewer', viewer });
      })
      .catch(async () => {
        if (controller.signal.aborted) return;
        // 401 means "not signed in"; any other failure also falls back to
        // guest so that a flaky /me never blocks watching.
        const next = await guestIdentity();
        if (!controller.signal.aborted) setIdentity(next);
      });
    return () => {
      mounted.current = false;
      controller.abort();
    };
  }, []);

  const signIn = useCallback(async (nickname: string, password: string) => {
    const { viewer, csrfToken } = await viewerApi.signIn(nickname, password);
    setCsrfToken('viewer', csrfToken);
    if (mounted.current) setIdentity({ kind: 'viewer', viewer });
  }, []);

  const signUp = useCallback(async (nickname: string, password: string) => {
    const { viewer, csrfToken } = await viewerApi.signUp(nickname, password);
    setCsrfToken('viewer', csrfToken);
    if (mounted.current) setIdentity({ kind: 'viewer', viewer });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await viewerApi.signOut();
    } catch (error) {
      if (!isApiError(error) || error.status !== 401) throw error;
    }
    setCsrfToken('viewer', null);
    const next = await guestIdentity();
    if (mounted.current) setIdentity(next);
  }, []);

  return { identity, signIn, signUp, signOut };
}
