import { describe, expect, it } from 'vitest';
import { applyMapping, compileMapping, type CompiledMapping, type MappingResult } from '../../src/sync/mapping/index.js';

function compile(mapping: Record<string, string>): CompiledMapping {
  const result = compileMapping(mapping);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.mapping;
}

/** Evaluates one expression as the `attributes.x` target. */
function evaluate(expression: string, raw: unknown): { value: string | null; missing: string[] } {
  const { values, missing } = applyMapping(compile({ 'attributes.x': expression }), raw);
  return { value: values.attributes['x'] ?? null, missing };
}

// Shapes follow the provider notes (shared/providers/*.md).
const oktaUser = {
  id: '00u5x2k9QwErTy0h7357',
  status: 'ACTIVE',
  created: '2024-11-02T08:15:00.000Z',
  type: { id: 'oty1a2b3c4d5e6f7g8h9' },
  profile: {
    login: 'Mara.Quill@Example.test',
    email: '  Mara.Quill@Example.test ',
    firstName: 'Mara',
    lastName: 'Quill',
    displayName: null,
    department: 'Field Ops',
    mobilePhone: null,
    employeeNumber: 4711,
    costCenter: '',
    isContractor: false,
  },
  credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
  _links: { self: { href: 'https://acme.okta.com/api/v1/users/00u5x2k9QwErTy0h7357' } },
};

const entraUser = {
  '@odata.type': '#microsoft.graph.user',
  id: '3f1c2a9e-5b7d-4e21-9a0c-1d2e3f4a5b6c',
  userPrincipalName: 'bjoern.aesir_ext.com#EXT#@acme.onmicrosoft.com',
  mail: null,
  otherMails: ['bjorn@ext.com'],
  givenName: 'Björn',
  surname: 'Æsir-Ødegård',
  displayName: 'Björn Æsir-Ødegård',
  jobTitle: 'Ingénieur',
  department: null,
  accountEnabled: true,
  businessPhones: [],
  employeeOrgData: { division: 'R&D', costCenter: 'CC-7' },
  onPremisesExtensionAttributes: { extensionAttribute1: 'Nord', extensionAttribute2: null },
  extension_8f2a41c3_employeeNumber: 'E-0042',
};

const googleUser = {
  kind: 'admin#directory#user',
  id: '104815162342108001337',
  primaryEmail: 'ivo.tamm@example.test',
  name: { givenName: '李', familyName: '小龍', fullName: '李 小龍' },
  suspended: false,
  orgUnitPath: '/Sales/EMEA',
  emails: [
    { address: 'ivo@old.example.test', type: 'work' },
    { address: 'ivo.tamm@example.test', primary: true },
    { address: 'ivo.home@example.test', type: 'home' },
  ],
  organizations: [
    { title: 'Intern', department: 'Sales', primary: false },
    { title: 'Account Lead', department: 'Sales', costCenter: 'CC-210', primary: true, customType: '' },
  ],
  externalIds: [{ value: 'E-48213', type: 'organization' }],
  relations: [{ value: 'greta.lind@example.test', type: 'manager' }],
  customSchemas: { 'HR-Data': { level: 7, remote: true } },
};

describe('applyMapping: Okta records', () => {
  const mapping = compile({
    email: 'lower(profile.email)',
    givenName: 'profile.firstName',
    familyName: 'profile.lastName',
    displayName: 'default(profile.displayName, "{profile.firstName} {profile.lastName}")',
    'attributes.department': 'profile.department',
    'attributes.employeeNumber': 'profile.employeeNumber',
    'attributes.costCenter': 'profile.costCenter',
    'attributes.contractor': 'profile.isContractor',
    'attributes.phone': 'profile.mobilePhone',
  });

  it('maps the profile, stringifying numbers and booleans and trimming values', () => {
    expect(applyMapping(mapping, oktaUser)).toEqual<MappingResult>({
      values: {
        email: 'mara.quill@example.test',
        givenName: 'Mara',
        familyName: 'Quill',
        // A string literal stays literal: default() falls back to the text "{profile.firstName} …".
        displayName: '{profile.firstName} {profile.lastName}',
        attributes: { department: 'Field Ops', employeeNumber: '4711', costCenter: null, contractor: 'false', phone: null },
      },
      missing: ['profile.costCenter', 'profile.mobilePhone'],
    });
  });

  it('reports each missing path once and leaves unmapped fields null', () => {
    const partial = compile({ givenName: 'profile.firstName', displayName: '{profile.firstName} {profile.nickName}', 'attributes.nick': 'profile.nickName' });
    expect(applyMapping(partial, { id: '00u1', profile: {} })).toEqual<MappingResult>({
      values: { email: null, givenName: null, familyName: null, displayName: null, attributes: { nick: null } },
      missing: ['profile.firstName', 'profile.nickName'],
    });
  });

  it('builds a display name from a template with unicode names', () => {
    const result = applyMapping(compile({ displayName: '{profile.lastName}, {profile.firstName}' }), {
      profile: { firstName: 'Zoë', lastName: 'Ñúñez' },
    });
    expect(result.values.displayName).toBe('Ñúñez, Zoë');
  });
});

describe('applyMapping: Entra records', () => {
  const mapping = compile({
    email: 'lower(default(mail, otherMails[0], userPrincipalName))',
    givenName: 'givenName',
    familyName: 'surname',
    displayName: 'displayName',
    'attributes.upnLocal': 'split(userPrincipalName, "#EXT#", 0)',
    'attributes.odataType': '["@odata.type"]',
    'attributes.division': 'employeeOrgData.division',
    'attributes.region': 'onPremisesExtensionAttributes.extensionAttribute1',
    'attributes.site': 'default(onPremisesExtensionAttributes.extensionAttribute2, "HQ")',
    'attributes.employeeNumber': 'extension_8f2a41c3_employeeNumber',
    'attributes.department': 'upper(department)',
    'attributes.phone': 'businessPhones[0]',
  });

  it('falls back when mail is null, without reporting the skipped path as missing', () => {
    expect(applyMapping(mapping, entraUser)).toEqual<MappingResult>({
      values: {
        email: 'bjorn@ext.com',
        givenName: 'Björn',
        familyName: 'Æsir-Ødegård',
        displayName: 'Björn Æsir-Ødegård',
        attributes: {
          upnLocal: 'bjoern.aesir_ext.com',
          odataType: '#microsoft.graph.user',
          division: 'R&D',
          region: 'Nord',
          site: 'HQ',
          employeeNumber: 'E-0042',
          department: null,
          phone: null,
        },
      },
      missing: ['department', 'businessPhones[0]'],
    });
  });

  it('reports every alternative of a default that found nothing', () => {
    const result = applyMapping(compile({ email: 'default(mail, userPrincipalName)' }), { id: 'x', mail: null });
    expect(result).toEqual<MappingResult>({
      values: { email: null, givenName: null, familyName: null, displayName: null, attributes: {} },
      missing: ['mail', 'userPrincipalName'],
    });
  });
});

describe('applyMapping: Google records', () => {
  it('picks array elements by selector, including booleans, and by position', () => {
    const mapping = compile({
      email: 'emails[primary=true].address',
      givenName: 'name.givenName',
      familyName: 'name.familyName',
      displayName: 'name.fullName',
      'attributes.title': 'organizations[primary=true].title',
      'attributes.firstTitle': 'organizations[0].title',
      'attributes.lastTitle': 'organizations[-1].title',
      'attributes.workEmail': 'emails[type=work].address',
      'attributes.homeEmail': 'emails[type="home"].address',
      'attributes.employeeId': 'externalIds[type=organization].value',
      'attributes.manager': 'relations[type=manager].value',
      'attributes.level': 'customSchemas["HR-Data"].level',
      'attributes.remote': 'customSchemas["HR-Data"].remote',
      'attributes.ou': 'split(orgUnitPath, "/", -1)',
    });
    expect(applyMapping(mapping, googleUser)).toEqual<MappingResult>({
      values: {
        email: 'ivo.tamm@example.test',
        givenName: '李',
        familyName: '小龍',
        displayName: '李 小龍',
        attributes: {
          title: 'Account Lead',
          firstTitle: 'Intern',
          lastTitle: 'Account Lead',
          workEmail: 'ivo@old.example.test',
          homeEmail: 'ivo.home@example.test',
          employeeId: 'E-48213',
          manager: 'greta.lind@example.test',
          level: '7',
          remote: 'true',
          ou: 'EMEA',
        },
      },
      missing: [],
    });
  });

  it.each([
    ['a selector that matches nothing', 'emails[type=other].address'],
    ['a position past the end', 'organizations[5].title'],
    ['a selector on an object', 'name[primary=true].givenName'],
    ['a position on an object', 'name[0]'],
    ['a field on an array', 'emails.address'],
    ['a path through a scalar', 'primaryEmail.domain'],
    ['a boolean selector that does not match', 'organizations[primary=yes].title'],
  ])('treats %s as missing', (_label, expression) => {
    expect(evaluate(expression, googleUser)).toEqual({ value: null, missing: [expression] });
  });

  it.each([
    ['an object', 'name'],
    ['an array', 'emails'],
    ['an empty array', 'aliases'],
  ])('treats %s (not a scalar) as missing', (_label, expression) => {
    expect(evaluate(expression, { ...googleUser, aliases: [] })).toEqual({ value: null, missing: [expression] });
  });

  it('builds an email from a template of function calls', () => {
    const mapping = compile({ email: '{lower(name.givenName)}.{lower(substring(name.familyName, 0, 1))}@acme.example' });
    const values = applyMapping(mapping, { name: { givenName: 'ÉMILE', familyName: 'Ødegård' } }).values;
    expect(values.email).toBe('émile.ø@acme.example');
  });
});

describe('applyMapping: templates and values', () => {
  const raw = { a: 'Ada', b: 'Lovelace', blank: '   ', zero: 0, no: false, nan: Number.NaN, nothing: null };

  it.each<[string, string | null, string[]]>([
    ['{a} {b}', 'Ada Lovelace', []],
    ['{a} {missing}', 'Ada', ['missing']],
    ['{missing} {nothing}', null, ['missing', 'nothing']],
    ['  {missing}  ', null, ['missing']],
    ['Dr. {missing}', null, ['missing']],
    ['{{{a}}}', '{Ada}', []],
    ['{{not a placeholder}}', '{not a placeholder}', []],
    ['}} {a} {{', '} Ada {', []],
    ['{blank}', null, ['blank']],
    ['{zero}', '0', []],
    ['{no}', 'false', []],
    ['{nan}', null, ['nan']],
    ['{"literal"} {a}', 'literal Ada', []],
    ['"  padded  "', 'padded', []],
    ['"{a}"', '{a}', []],
    ['007', '007', []],
    ['-1.50', '-1.50', []],
    ['constructor', null, ['constructor']],
    ['toString', null, ['toString']],
    ['__proto__', null, ['__proto__']],
  ])('%s → %s', (expression, value, missing) => {
    expect(evaluate(expression, raw)).toEqual({ value, missing });
  });

  it.each([null, undefined, 'text', 42, [], [{ a: 'x' }]])('never throws on a record such as %j', (raw) => {
    expect(evaluate('{a} {b[0]} {c[type=x].d}', raw)).toEqual({ value: null, missing: ['a', 'b[0]', 'c[type=x].d'] });
  });

  it('evaluates each record independently (no state leaks between calls)', () => {
    const mapping = compile({ displayName: 'default(nick, "{a}")', givenName: 'a' });
    expect(applyMapping(mapping, { a: 'x' }).missing).toEqual([]);
    expect(applyMapping(mapping, {}).missing).toEqual(['a']);
    expect(applyMapping(mapping, { nick: 'N', a: 'y' })).toEqual<MappingResult>({
      values: { email: null, givenName: 'y', familyName: null, displayName: 'N', attributes: {} },
      missing: [],
    });
  });
});
