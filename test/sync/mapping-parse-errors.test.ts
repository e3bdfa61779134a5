import { describe, expect, it } from 'vitest';
import { compileMapping, MAX_EXPRESSION_LENGTH, type MappingError } from '../../src/sync/mapping/index.js';

function errorsOf(mapping: Record<string, string>): MappingError[] {
  const result = compileMapping(mapping);
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(mapping)}`);
  return result.errors;
}

function onlyError(target: string, expression: string): MappingError {
  const errors = errorsOf({ [target]: expression });
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

const FUNCTIONS = 'lower, upper, trim, default, replace, split, join, substring, concat';

describe('compileMapping: expression errors', () => {
  const cases: Array<{ target: string; expression: string; message: string; position: number }> = [
    {
      target: 'displayName',
      expression: 'lowr(profile.displayName)',
      message: `displayName: unknown function "lowr" at position 1; known functions: ${FUNCTIONS}; did you mean lower?`,
      position: 1,
    },
    {
      target: 'displayName',
      expression: 'frobnicate(x)',
      message: `displayName: unknown function "frobnicate" at position 1; known functions: ${FUNCTIONS}`,
      position: 1,
    },
    {
      target: 'givenName',
      expression: 'trim(Lower(profile.firstName))',
      message: `givenName: unknown function "Lower" at position 6; known functions: ${FUNCTIONS}; did you mean lower?`,
      position: 6,
    },
    {
      target: 'email',
      expression: 'user email: {profile.email',
      message: 'email: unclosed "{" at position 13; close the placeholder or write {{ for a literal brace',
      position: 13,
    },
    {
      target: 'email',
      expression: '{profile.login}@acme.com {',
      message: 'email: unclosed "{" at position 26; close the placeholder or write {{ for a literal brace',
      position: 26,
    },
    {
      target: 'displayName',
      expression: '{profile.firstName} }',
      message: 'displayName: unmatched "}" at position 21; write }} for a literal brace',
      position: 21,
    },
    {
      target: 'displayName',
      expression: 'Team {}',
      message: 'displayName: empty placeholder "{}" at position 6; put a path inside, such as {profile.firstName}, or write {{}} for literal braces',
      position: 6,
    },
    {
      target: 'displayName',
      expression: '{profile.firstName profile.lastName}',
      message: 'displayName: unexpected "profile.last" at position 20; a placeholder holds one path or function call; close it with }',
      position: 20,
    },
    {
      target: 'displayName',
      expression: 'Acme Corp',
      message:
        'displayName: unexpected "Corp" at position 6; an expression is one path or function call; to put text around ' +
        'fields write a template such as {profile.firstName} {profile.lastName}, and quote constant text: "Acme"',
      position: 6,
    },
    {
      target: 'email',
      expression: 'lower(profile.email',
      message: 'email: unclosed "(" at position 6; close the call with )',
      position: 6,
    },
    {
      target: 'email',
      expression: 'lower(profile.email profile.login)',
      message: 'email: unexpected "profile.logi" at position 21; separate the arguments of lower with "," and close the call with ")"',
      position: 21,
    },
    {
      target: 'email',
      expression: 'concat(profile.login, )',
      message: 'email: unexpected ")" at position 23; give concat(a, b, …) a path, a function call, "quoted text" or a number',
      position: 23,
    },
    {
      target: 'email',
      expression: 'lower(profile.email, profile.login)',
      message: 'email: lower() takes 1 argument, got 2 at position 1; write lower(value)',
      position: 1,
    },
    {
      target: 'email',
      expression: 'default(profile.email)',
      message: 'email: default() takes at least 2 arguments, got 1 at position 1; write default(a, b, …)',
      position: 1,
    },
    {
      target: 'givenName',
      expression: 'substring(profile.firstName)',
      message: 'givenName: substring() takes 2 to 3 arguments, got 1 at position 1; write substring(value, start, end?)',
      position: 1,
    },
    {
      target: 'givenName',
      expression: 'split(profile.login, "@", "0")',
      message: 'givenName: argument 3 of split() must be a whole number at position 27; write split(value, "separator", index) with a number such as 0 or -1',
      position: 27,
    },
    {
      target: 'givenName',
      expression: 'substring(profile.firstName, 0, 1.5)',
      message: 'givenName: argument 3 of substring() must be a whole number at position 33; write substring(value, start, end?) with a number such as 0 or -1',
      position: 33,
    },
    {
      target: 'displayName',
      expression: 'replace(profile.displayName, "unclosed, "x")',
      message: 'displayName: unexpected "x")" at position 42; separate the arguments of replace with "," and close the call with ")"',
      position: 42,
    },
    {
      target: 'displayName',
      expression: 'replace(profile.displayName, "a", "b)',
      message: 'displayName: unclosed string at position 35; end the text with "',
      position: 35,
    },
    {
      target: 'displayName',
      expression: 'replace(profile.displayName, "\\d", "")',
      message: 'displayName: unknown escape "\\d" at position 31; inside quotes write \\" for a quote and \\\\ for a backslash',
      position: 31,
    },
    {
      target: 'attributes.title',
      expression: 'organizations.0.title',
      message: 'attributes.title: a number after "." at position 15; write a list position in brackets, such as organizations[0].title',
      position: 15,
    },
    {
      target: 'attributes.title',
      expression: 'profile.',
      message: 'attributes.title: expected a field name after "." at position 9; write a path such as profile.firstName; quote odd field names: ["@odata.type"]',
      position: 9,
    },
    {
      target: 'email',
      expression: 'emails[type=work.value',
      message: 'email: unclosed "[" at position 7; close it with ]',
      position: 7,
    },
    {
      target: 'email',
      expression: 'emails[work].value',
      message:
        'email: unexpected "].value" at position 12; expected "=" in the selector; inside [ ] write a position such as [0], ' +
        'a selector such as [type=work], or a quoted field name such as ["@odata.type"]',
      position: 12,
    },
    {
      target: 'email',
      expression: 'emails[type=].value',
      message: 'email: missing value after "=" in the selector at position 13; write a value, such as [type=work] or [primary=true]',
      position: 13,
    },
    {
      target: 'email',
      expression: 'emails[1.5].value',
      message:
        'email: a list position must be a whole number at position 8; inside [ ] write a position such as [0], a selector such as ' +
        '[type=work], or a quoted field name such as ["@odata.type"]',
      position: 8,
    },
    {
      target: 'email',
      expression: '   ',
      message: 'email: empty expression at position 1; write a source path such as profile.email, or remove the field',
      position: 1,
    },
    {
      target: 'email',
      expression: '@profile.email',
      message: 'email: unexpected "@profile.ema" at position 1; write a path such as profile.firstName, a function call such as lower(profile.email), or "quoted text"',
      position: 1,
    },
    {
      target: 'displayName',
      expression: 'Dr. {lower(}',
      message: 'displayName: unexpected "}" at position 12; give lower(value) a path, a function call, "quoted text" or a number',
      position: 12,
    },
  ];

  it.each(cases)('$target = $expression', ({ target, expression, message, position }) => {
    const error = onlyError(target, expression);
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
    expect(error.target).toBe(target);
    // The hint is the actionable tail of the message.
    expect(message.endsWith(`; ${error.hint}`)).toBe(true);
  });

  it('rejects expressions longer than the limit and nesting deeper than 32 calls', () => {
    expect(onlyError('email', 'a'.repeat(MAX_EXPRESSION_LENGTH + 1)).message).toBe(
      `email: expression is ${MAX_EXPRESSION_LENGTH + 1} characters long at position ${MAX_EXPRESSION_LENGTH + 1}; keep it under ${MAX_EXPRESSION_LENGTH} characters`,
    );
    expect(compileMapping({ email: `${'lower('.repeat(32)}x${')'.repeat(32)}` }).ok).toBe(true);
    expect(onlyError('email', `${'lower('.repeat(40)}x${')'.repeat(40)}`).message).toMatch(
      /^email: function calls nested more than 32 deep at position \d+; simplify the expression$/,
    );
  });
});

describe('compileMapping: targets', () => {
  const allowed =
    'allowed targets: email, givenName, familyName, displayName, or attributes.<name> with a name of letters, digits, _ and - (up to 64 characters)';
  const cases: Array<{ target: string; message: string }> = [
    { target: 'mail', message: `mail: unknown target field "mail"; did you mean email? ${allowed}` },
    { target: 'firstName', message: `firstName: unknown target field "firstName"; did you mean givenName? ${allowed}` },
    { target: 'surname', message: `surname: unknown target field "surname"; did you mean familyName? ${allowed}` },
    { target: 'Email', message: `Email: unknown target field "Email"; did you mean email? ${allowed}` },
    { target: 'department', message: `department: unknown target field "department"; ${allowed}` },
    { target: '__proto__', message: `__proto__: unknown target field "__proto__"; ${allowed}` },
    { target: 'attributes.', message: `attributes.: invalid custom attribute name ""; ${allowed}` },
    { target: 'attributes.cost center', message: `attributes.cost center: invalid custom attribute name "cost center"; ${allowed}` },
    { target: 'attributes.a.b', message: `attributes.a.b: invalid custom attribute name "a.b"; ${allowed}` },
    { target: 'attributes.Kostenstelle_ü', message: `attributes.Kostenstelle_ü: invalid custom attribute name "Kostenstelle_ü"; ${allowed}` },
    { target: `attributes.${'x'.repeat(65)}`, message: `attributes.${'x'.repeat(65)}: invalid custom attribute name "${'x'.repeat(65)}"; ${allowed}` },
    { target: 'attributes.__proto__', message: `attributes.__proto__: invalid custom attribute name "__proto__"; ${allowed}` },
  ];

  it.each(cases)('rejects target $target', ({ target, message }) => {
    const error = onlyError(target, 'profile.email');
    expect(error.message).toBe(message);
    expect(error.position).toBeUndefined();
  });

  it('accepts the four user fields and well-formed custom attributes', () => {
    const result = compileMapping({
      email: 'profile.email',
      givenName: 'profile.firstName',
      familyName: 'profile.lastName',
      displayName: 'profile.displayName',
      'attributes.cost-center_2': 'profile.costCenter',
      [`attributes.${'x'.repeat(64)}`]: 'profile.title',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mapping.targets.map((t) => [t.target, t.core, t.attribute])).toEqual([
      ['email', 'email', null],
      ['givenName', 'givenName', null],
      ['familyName', 'familyName', null],
      ['displayName', 'displayName', null],
      ['attributes.cost-center_2', null, 'cost-center_2'],
      [`attributes.${'x'.repeat(64)}`, null, 'x'.repeat(64)],
    ]);
    expect(result.mapping.sourcePaths).toEqual([
      'profile.email',
      'profile.firstName',
      'profile.lastName',
      'profile.displayName',
      'profile.costCenter',
      'profile.title',
    ]);
  });

  it('reports every faulty target at once, leaving the good ones out of the error list', () => {
    const errors = errorsOf({ email: 'profile.email', mail: 'profile.email', displayName: 'lowr(x)', givenName: '{x' });
    expect(errors.map((e) => e.target)).toEqual(['mail', 'displayName', 'givenName']);
  });

  it('rejects an expression that is not a string (mappings come from JSON)', () => {
    const mapping: Record<string, string> = JSON.parse('{"email": 42}');
    expect(errorsOf(mapping)[0]!.message).toBe('email: the expression is not a string; write the expression as text, such as "profile.email"');
  });
});

describe('compileMapping: what parses', () => {
  it.each([
    'profile.firstName',
    'name.givenName',
    'organizations[0].title',
    'organizations[-1].title',
    'emails[type=work].value',
    'emails[ type = "work email" ].value',
    'organizations[primary=true].title',
    '["@odata.type"]',
    'customSchemas["HR-Data"].cost_center',
    'extension_8f2a_employeeNumber',
    'profile.prénom',
    '"Acme"',
    '42',
    'lower (profile.email)',
    'default(profile.displayName, "{profile.firstName}")',
    'replace(profile.login, "{", "}")',
    '{profile.firstName} {profile.lastName}',
    '  {profile.firstName}  ',
    '{ profile.firstName }',
    '{{literal}} {profile.firstName}',
    'only {{braces}}',
    '{lower(name.givenName)}.{lower(name.familyName)}@acme.com',
    'join(", ", split(profile.city, "/", -1), profile.countryCode)',
    'substring(profile.firstName, 0, 1)',
    'concat(substring(profile.firstName, 0, 1), ". ", profile.lastName)',
  ])('%s', (expression) => {
    const result = compileMapping({ displayName: expression });
    expect(result.ok ? 'ok' : result.errors[0]!.message).toBe('ok');
  });
});
