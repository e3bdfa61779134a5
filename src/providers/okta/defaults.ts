/**
 * Default attribute mapping for Okta (target field → path into the Okta user record) and the paths
 * the mapping editor offers. Plain paths only: every Okta user has firstName/lastName/login/email
 * in the base profile; displayName is optional in Okta and the mapper leaves an absent path empty.
 */
export const defaultAttributeMapping: Record<string, string> = {
  email: 'profile.email',
  givenName: 'profile.firstName',
  familyName: 'profile.lastName',
  displayName: 'profile.displayName',
  'attributes.title': 'profile.title',
  'attributes.department': 'profile.department',
  'attributes.employeeNumber': 'profile.employeeNumber',
  'attributes.login': 'profile.login',
  'attributes.managerId': 'profile.managerId',
};

/** The base Okta user profile (okta-management-openapi-spec `UserProfile`) plus top-level fields. */
const PROFILE_ATTRIBUTES = [
  'login',
  'email',
  'secondEmail',
  'firstName',
  'lastName',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
  'displayName',
  'nickName',
  'title',
  'department',
  'division',
  'organization',
  'costCenter',
  'employeeNumber',
  'userType',
  'manager',
  'managerId',
  'mobilePhone',
  'primaryPhone',
  'streetAddress',
  'city',
  'state',
  'zipCode',
  'postalAddress',
  'countryCode',
  'preferredLanguage',
  'locale',
  'timezone',
  'profileUrl',
] as const;

export const knownSourcePaths: string[] = [
  'id',
  'status',
  'created',
  'activated',
  'statusChanged',
  'lastLogin',
  'lastUpdated',
  'passwordChanged',
  'type.id',
  ...PROFILE_ATTRIBUTES.map((a) => `profile.${a}`),
];
