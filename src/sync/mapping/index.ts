/**
 * # Attribute mapping
 *
 * An attribute mapping says how a directory's user record becomes an AccessIQ user. It is a JSON
 * object `{ "<target field>": "<expression>" }`, evaluated against the provider's own user record
 * (Okta `{id, status, profile:{firstName, …}}`, Entra `{givenName, surname, mail, …}`, Google
 * `{primaryEmail, name:{givenName}, organizations:[…]}`).
 *
 * ## Target fields
 * `email`, `givenName`, `familyName`, `displayName`, and custom attributes `attributes.<name>`
 * (name: letters A–Z/a–z, digits, `_` and `-`, at most 64 characters). Any other target is rejected.
 *
 * ## Expressions
 * An expression is one of:
 *
 * 1. **A source path** into the record:
 *    - `profile.firstName`, `name.givenName` — fields, separated by `.`;
 *    - `organizations[0].title` — a position in a list (0 is the first, `-1` the last);
 *    - `emails[type=work].value` — the first list element whose field `type` equals `work`;
 *      `[primary=true]` matches the boolean `true` and the text `"true"`; quote values with odd
 *      characters: `[type="work email"]`;
 *    - `["@odata.type"]`, `customSchemas["HR-Data"].costCenter` — quoted field names for keys that
 *      are not plain names.
 * 2. **A function call**: `lower(profile.email)`. Arguments are paths, `"quoted text"` (write `\"`
 *    for a quote and `\\` for a backslash; quoted text is always literal, never a template), numbers,
 *    or other calls. Functions:
 *    - `lower(x)`, `upper(x)`, `trim(x)`;
 *    - `default(a, b, …)` — the first argument that is not empty;
 *    - `replace(x, "from", "to")` — every occurrence, plain text (not a pattern);
 *    - `split(x, "sep", index)` — the index-th part (0 first, -1 last); `index` is a whole number;
 *    - `join(", ", a, b, …)` — the non-empty values joined by the separator;
 *    - `substring(x, start, end?)` — characters from `start` up to, not including, `end`; negative
 *      positions count from the end; `start` and `end` are whole numbers;
 *    - `concat(a, b, …)` — the values one after the other.
 * 3. **Quoted text or a number** for a constant: `"Acme"`.
 * 4. **A template**: text with `{…}` placeholders, each holding a path or a function call:
 *    `{profile.firstName} {profile.lastName}`, `{lower(name.givenName)}.{lower(name.familyName)}@acme.com`.
 *    Write `{{` and `}}` for literal braces. An expression that is not a single path, call or
 *    constant, and contains a brace, is a template.
 *
 * ## Values
 * Every value is text or nothing. Numbers and booleans in the record become text (`42`, `true`);
 * lists, objects, null, absent fields and blank text are nothing, and their path is reported as
 * missing (unless a `default(…)` found another value). Functions given nothing return nothing
 * (`concat` and `join` skip it). A template in which every placeholder is nothing is nothing.
 * The final value of each target is trimmed of surrounding spaces; empty becomes null.
 *
 * ## Errors
 * Mappings are checked when saved: each problem names the target, a 1-based position in the
 * expression and what to do, e.g. `displayName: unknown function "lowr" at position 1; known
 * functions: lower, upper, …` or `email: unclosed "{" at position 12; close the placeholder or write
 * {{ for a literal brace`. Expressions are limited to 2000 characters and 32 levels of nested calls.
 */
export { compileMapping } from './compile-mapping.js';
export type { CompiledMapping, CompiledTarget, CompileMappingResult, MappingError } from './compile-mapping.js';
export { applyMapping } from './apply-mapping.js';
export type { MappedValues, MappingResult } from './apply-mapping.js';
export { mergeWithDefaults } from './merge-with-defaults.js';
export { normalizeEmail, validateEmail } from './email.js';
export { attributeMappingGuard, attributeMappingOverridesGuard } from './mapping-guards.js';
export { CORE_TARGETS, ATTRIBUTE_PREFIX, MAX_ATTRIBUTE_NAME_LENGTH } from './targets.js';
export type { CoreTarget } from './targets.js';
export { MAPPING_FUNCTIONS } from './functions.js';
export type { MappingFunction } from './functions.js';
export { MAX_EXPRESSION_LENGTH } from './parse-expression.js';
