/** Roles every tenant has from the start; admins add custom ones. */
export const BUILT_IN_ROLES = [
  { key: 'owner', name: 'Owner', description: 'Full control of the organization, including billing and deletion.' },
  { key: 'admin', name: 'Admin', description: 'Manages members, settings and integrations.' },
  { key: 'member', name: 'Member', description: 'Baseline access; the default role for directory-synced users.' },
] as const;

export type GrantSource = 'manual' | 'default-role' | 'group-mapping';

/** One grant per (user, organization, role, source): the key that makes sync grants idempotent. */
export function grantSourceKey(source: GrantSource, ref: { directoryId?: string | null; mappingId?: string | null }): string {
  if (source === 'manual') return 'manual';
  if (source === 'default-role') return `default-role:${ref.directoryId}`;
  return `group-mapping:${ref.mappingId}`;
}
