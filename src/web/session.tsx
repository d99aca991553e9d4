import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, del, get, setCsrfToken } from './api.js';
import type { SessionAnswer, User } from './types.js';

/** Who is signed in: `undefined` while asking, `null` when nobody. `needsSetup` before the owner exists. */
export interface SessionState {
  user: User | null | undefined;
  needsSetup: boolean;
  /** The server could not be asked (down, 5xx): shown instead of the pages. */
  error: ApiError | undefined;
  /** Re-reads GET /api/session (after sign-in, setup, TOTP enrolment). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [needsSetup, setNeedsSetup] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      // Before the owner exists the server answers nothing but its status and the setup.
      const status = await get<{ setup_done: boolean }>('/api/status');
      if (!status.setup_done) {
        setCsrfToken(undefined);
        setNeedsSetup(true);
        setUser(null);
        return;
      }
      setNeedsSetup(false);
      const answer = await get<SessionAnswer>('/api/session');
      setCsrfToken(answer.csrf_token);
      setUser(answer.user);
      setError(undefined);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setCsrfToken(undefined);
        setUser(null);
        setError(undefined);
        return;
      }
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await del('/api/session');
    } finally {
      setCsrfToken(undefined);
      setUser(null);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <SessionContext.Provider value={{ user, needsSetup, error, refresh, signOut }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
