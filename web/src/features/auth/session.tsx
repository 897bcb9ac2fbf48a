import { createContext, useContext, type ReactNode } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import type { Session } from '../../api/types';

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function useCan(permission: string): boolean {
  return useSession().permissions.includes(permission);
}

/**
 * Drops the previous user's cached data and puts in the new session (null after signing out). Removes the other
 * queries instead of clearing the cache: a cleared cache leaves App observing dead queries, so it would not see
 * the new session and stay on the sign-in page.
 */
export function replaceSession(queryClient: QueryClient, session: Session | null): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'setup' && q.queryKey[0] !== 'session' });
  queryClient.setQueryData(['setup'], { setupNeeded: false });
  queryClient.setQueryData(['session'], session);
}
