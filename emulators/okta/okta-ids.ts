/**
 * Okta-shaped ids: 20 characters, `00u` for users, `00g` for groups, `oty` for user types. The
 * last six characters encode the record index bijectively, so an id maps back to its record
 * without an index table, also for deleted records.
 */
import { noiseChars, scrambledIndex, unscrambleIndex } from '../shared/ids.js';

export interface OktaIds {
  user(index: number): string;
  group(index: number): string;
  /** Record index of a user id, or undefined when it is not one of ours. */
  userIndex(id: string): number | undefined;
  groupIndex(id: string): number | undefined;
  /** The BUILT_IN "Everyone" group. */
  readonly everyoneGroupId: string;
  readonly userTypeId: string;
  /** Random-looking opaque ids for errors, requests and log events. */
  opaque(prefix: string, length: number): string;
}

const EVERYONE_INDEX = 0xfffffffe;

export function createOktaIds(seed: number): OktaIds {
  let counter = 0;
  // ids are derived on every rendered record: memoise them (a few MB for 100k users)
  const memo = { '00u': new Map<number, string>(), '00g': new Map<number, string>() };
  const make = (prefix: '00u' | '00g', index: number) => {
    const cache = memo[prefix];
    let id = cache.get(index);
    if (id === undefined) {
      id = `${prefix}${noiseChars(seed, prefix, index, 11)}${scrambledIndex(seed, index, 6)}`;
      cache.set(index, id);
    }
    return id;
  };
  const decode = (prefix: '00u' | '00g', id: string) => {
    if (id.length !== 20 || !id.startsWith(prefix)) return undefined;
    const index = unscrambleIndex(seed, id.slice(14));
    if (index === undefined || make(prefix, index) !== id) return undefined;
    return index;
  };
  return {
    user: (index) => make('00u', index),
    group: (index) => make('00g', index),
    userIndex: (id) => decode('00u', id),
    groupIndex: (id) => {
      const index = decode('00g', id);
      return index === EVERYONE_INDEX ? undefined : index;
    },
    everyoneGroupId: make('00g', EVERYONE_INDEX),
    userTypeId: `oty${noiseChars(seed, 'oty', 0, 17)}`,
    opaque: (prefix, length) => `${prefix}${noiseChars(seed ^ 0x51f15e, prefix, ++counter, length - prefix.length)}`,
  };
}
