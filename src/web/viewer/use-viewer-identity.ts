import { useCallback, useEffect, useRef, useState } from 'react';
import { setCsrfToken, signOutIgnoringExpiry } from '../api/api-client';
import type { Viewer, ViewerSession } from '../api/api-types';
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

/**
 * A guest token that is good for a while yet: the stored one, or a fresh grant (tokens expire,
 * and the realtime socket asks again before every reconnect).
 */
export async function freshGuestToken(): Promise<string | null> {
  const stored = readStoredGuest();
  if (stored) return stored.guestToken;
  try {
    const grant = await viewerApi.guest();
    storeGuest(grant);
    return grant.guestToken;
  } catch {
    return null;
  }
}

/** Who the room socket connects as; null while we don't know yet. */
export function identityKeyOf(identity: ViewerIdentity): string | null {
  switch (identity.kind) {
    case 'loading':
      return null;
    case 'viewer':
      return `viewer:${identity.viewer.id}`;
    case 'guest':
      return `guest:${identity.guestId}`;
    case 'anonymous':
      return 'anonymous';
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

  const enter = useCallback(async (request: Promise<ViewerSession>) => {
    const { viewer, csrfToken } = await request;
    setCsrfToken('viewer', csrfToken);
    if (mounted.current) setIdentity({ kind: 'viewer', viewer });
  }, []);

  const signIn = useCallback(
    (nickname: string, password: string) => enter(viewerApi.signIn(nickname, password)),
    [enter],
  );

  const signUp = useCallback(
    (nickname: string, password: string) => enter(viewerApi.signUp(nickname, password)),
    [enter],
  );

  const signOut = useCallback(async () => {
    await signOutIgnoringExpiry(viewerApi.signOut());
    setCsrfToken('viewer', null);
    const next = await guestIdentity();
    if (mounted.current) setIdentity(next);
  }, []);

  return { identity, signIn, signUp, signOut };
}
