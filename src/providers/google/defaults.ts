/**
 * Default attribute mapping for Google Workspace users: target field → path in the Directory API
 * user record (see sync/mapping for the path language; `[key=value]` picks the first array entry
 * whose field equals the value).
 */
export const googleDefaultAttributeMapping: Record<string, string> = {
  email: 'primaryEmail',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  displayName: 'name.fullName',
  'attributes.title': 'organizations[primary=true].title',
  'attributes.department': 'organizations[primary=true].department',
  'attributes.orgUnitPath': 'orgUnitPath',
  // Google's "Employee ID" field in the Admin console is stored as an external id of type organization.
  'attributes.employeeId': 'externalIds[type=organization].value',
};

/** Paths offered by the mapping editor's picker (projection=full record). */
export const googleKnownSourcePaths: string[] = [
  'id',
  'primaryEmail',
  'name.givenName',
  'name.familyName',
  'name.fullName',
  'orgUnitPath',
  'suspended',
  'archived',
  'isAdmin',
  'isDelegatedAdmin',
  'organizations[primary=true].title',
  'organizations[primary=true].department',
  'organizations[primary=true].costCenter',
  'organizations[primary=true].location',
  'organizations[primary=true].description',
  'externalIds[type=organization].value',
  'relations[type=manager].value',
  'emails[primary=true].address',
  'phones[type=work].value',
  'phones[type=mobile].value',
  'locations[type=desk].buildingId',
  'aliases',
  'recoveryEmail',
  'creationTime',
  'lastLoginTime',
  'customerId',
];
