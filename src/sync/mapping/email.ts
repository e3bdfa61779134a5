/** Email helpers for matching directory users to AccessIQ users (DESIGN invariant 7). */

const MAX_EMAIL_LENGTH = 254; // RFC 5321 path limit minus the angle brackets
const MAX_LOCAL_PART_LENGTH = 64; // RFC 5321 §4.5.3.1.1
const WHITESPACE = /\s/u;
const CONTROL = /\p{Cc}/u;

/**
 * The form two emails are compared in: trimmed, Unicode NFC, lower-cased (locale-independent).
 * Idempotent. Lower-casing the local part is a deliberate policy: directories treat it as
 * case-insensitive in practice, even though RFC 5321 allows otherwise.
 */
export function normalizeEmail(email: string): string {
  // NFC again after lower-casing: a lower-case letter may compose with a following mark.
  return email.trim().normalize('NFC').toLowerCase().normalize('NFC');
}

/** Returns why `email` is not usable as a user's email, or null when it is. Lengths count characters. */
export function validateEmail(email: string): string | null {
  const length = [...email].length;
  if (length === 0) return 'email is empty';
  if (length > MAX_EMAIL_LENGTH) return `email is longer than ${MAX_EMAIL_LENGTH} characters`;
  if (WHITESPACE.test(email)) return 'email contains a space';
  if (CONTROL.test(email)) return 'email contains a control character';
  const at = email.indexOf('@');
  if (at === -1) return 'email has no "@"';
  if (email.indexOf('@', at + 1) !== -1) return 'email has more than one "@"';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local === '') return 'email has nothing before "@"';
  if (domain === '') return 'email has no domain after "@"';
  if ([...local].length > MAX_LOCAL_PART_LENGTH) return `the part of the email before "@" is longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return 'email domain is malformed';
  return null;
}
