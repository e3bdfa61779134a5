/**
 * The settings a plan depends on beyond the records themselves, as one hash. A focused incremental
 * run (sync/focused-input.ts) leaves every untouched record as it is, which is exact only when the
 * directory's state was last planned under the same fingerprint; else the whole mirror is planned.
 */
import type { DirectorySettings } from '../domain/directory-settings.js';
import { contentHash } from '../lib/stable-hash.js';
import type { PlannerInput } from './planner.js';

/** Bump when a release changes how records are mapped or planned: the next run plans everyone. */
const PLANNING_VERSION = 1;

export function planFingerprint(settings: DirectorySettings, planner: PlannerInput['settings']): string {
  return contentHash({
    v: PLANNING_VERSION,
    attributeMapping: settings.attributeMapping,
    userFilter: { groups: [...settings.userFilter.groups].sort(), orgUnits: [...settings.userFilter.orgUnits].sort() },
    deactivationBehavior: planner.deactivationBehavior,
    defaultGrant: planner.defaultGrant,
    mappings: [...planner.mappings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  }, new Set());
}
