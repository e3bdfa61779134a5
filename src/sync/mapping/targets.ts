/** The AccessIQ fields a mapping may write: four user fields and named custom attributes. */

export const CORE_TARGETS = ['email', 'givenName', 'familyName', 'displayName'] as const;
export type CoreTarget = (typeof CORE_TARGETS)[number];

export const ATTRIBUTE_PREFIX = 'attributes.';
export const MAX_ATTRIBUTE_NAME_LENGTH = 64;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export type ParsedTarget =
  | { ok: true; core: CoreTarget; attribute: null }
  | { ok: true; core: null; attribute: string }
  | { ok: false; problem: string; hint: string };

const ALLOWED =
  `allowed targets: ${CORE_TARGETS.join(', ')}, or ${ATTRIBUTE_PREFIX}<name> with a name of letters, digits, _ and - ` +
  `(up to ${MAX_ATTRIBUTE_NAME_LENGTH} characters)`;

// Names other products use for the same fields; pointing at ours beats a bare "unknown".
const ALIASES: Readonly<Record<string, CoreTarget>> = {
  email: 'email',
  mail: 'email',
  emailaddress: 'email',
  primaryemail: 'email',
  firstname: 'givenName',
  givenname: 'givenName',
  lastname: 'familyName',
  surname: 'familyName',
  familyname: 'familyName',
  name: 'displayName',
  fullname: 'displayName',
  displayname: 'displayName',
};

function isCoreTarget(target: string): target is CoreTarget {
  return (CORE_TARGETS as readonly string[]).includes(target);
}

export function parseTarget(target: string): ParsedTarget {
  if (isCoreTarget(target)) return { ok: true, core: target, attribute: null };
  if (target.startsWith(ATTRIBUTE_PREFIX)) {
    const name = target.slice(ATTRIBUTE_PREFIX.length);
    // "__proto__" would be swallowed by a plain object instead of becoming an attribute.
    if (ATTRIBUTE_NAME.test(name) && name !== '__proto__') return { ok: true, core: null, attribute: name };
    return { ok: false, problem: `invalid custom attribute name "${name}"`, hint: ALLOWED };
  }
  const alias = Object.hasOwn(ALIASES, target.toLowerCase()) ? ALIASES[target.toLowerCase()] : undefined;
  return {
    ok: false,
    problem: `unknown target field "${target}"`,
    hint: alias === undefined ? ALLOWED : `did you mean ${alias}? ${ALLOWED}`,
  };
}
