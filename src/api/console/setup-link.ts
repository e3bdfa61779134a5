/**
 * The one-time setup link: when the service starts with no admin and no ACCESSIQ_ADMIN_EMAIL, it
 * prints a link whose token lets the first visitor create the first admin. The token lives in this
 * process only (a restart prints a new one) and works once.
 */
import { timingSafeEqual } from 'node:crypto';
import { randomToken } from './admin-repository.js';

export function createSetupLink() {
  let token: string | null = null;
  return {
    open(): string {
      token = randomToken();
      return token;
    },
    isOpen: () => token !== null,
    /** True once for the right token; the link is closed afterwards. */
    consume(candidate: string): boolean {
      if (!token) return false;
      const a = Buffer.from(candidate);
      const b = Buffer.from(token);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
      token = null;
      return true;
    },
  };
}

export type SetupLink = ReturnType<typeof createSetupLink>;
