import { createContext, useContext, type ReactNode } from 'react';
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
