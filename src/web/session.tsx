/** Who is signed in, shared with every screen. */
import { createContext, useContext } from 'react';
import type { z } from 'zod';
import type { sessionState } from './api/types.js';

export type Admin = NonNullable<z.infer<typeof sessionState>['admin']>;

export const SessionContext = createContext<{ admin: Admin; signOut(): void } | null>(null);

export function useSession() {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}
