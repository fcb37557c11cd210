import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isApiError, onUnauthorized, setCsrfToken, signOutIgnoringExpiry } from '../api/api-client';
import type { Member, Permission } from '../api/api-types';
import { consoleApi } from '../api/console-api';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason: 'none' | 'expired' | 'signed-out' | 'unreachable' }
  | { status: 'signed-in'; member: Member };

interface AuthContextValue {
  state: AuthState;
  member: Member | null;
  signIn: (email: string, password: string) => Promise<Member>;
  signOut: () => Promise<void>;
  can: (permission: Permission) => boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

// A 401 from these is an expected answer (bad password, not signed in yet),
// not a sign that an existing session expired.
const AUTH_PATHS_WITHOUT_EXPIRY = new Set([
  '/api/console/auth/me',
  '/api/console/auth/signin',
  '/api/console/auth/signout',
  '/api/console/auth/password',
]);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    consoleApi
      .me(controller.signal)
      .then(({ member, csrfToken }) => {
        setCsrfToken('console', csrfToken);
        setState({ status: 'signed-in', member });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const reason = isApiError(error) && error.status === 401 ? 'none' : 'unreachable';
        setState({ status: 'signed-out', reason });
      });
    return () => { controller.abort(); };
  }, []);

  useEffect(
    () =>
      onUnauthorized((path) => {
        if (!path.startsWith('/api/console/') || AUTH_PATHS_WITHOUT_EXPIRY.has(path)) return;
        setCsrfToken('console', null);
        setState((prev) => (prev.status === 'signed-in' ? { status: 'signed-out', reason: 'expired' } : prev));
      }),
    [],
  );

  const signIn = useCallback(async (email: string, password: string) => {
    const { member, csrfToken } = await consoleApi.signIn(email, password);
    setCsrfToken('console', csrfToken);
    setState({ status: 'signed-in', member });
    return member;
  }, []);

  const signOut = useCallback(async () => {
    await signOutIgnoringExpiry(consoleApi.signOut());
    setCsrfToken('console', null);
    setState({ status: 'signed-out', reason: 'signed-out' });
  }, []);

  const member = state.status === 'signed-in' ? state.member : null;
  const can = useCallback((permission: Permission) => member?.permissions.includes(permission) ?? false, [member]);

  const value = useMemo<AuthContextValue>(
    () => ({ state, member, signIn, signOut, can }),
    [state, member, signIn, signOut, can],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
