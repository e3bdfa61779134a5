/**
 * Default attribute mapping for Entra ID users (target field → source path or expression in the
 * Graph user record) and the paths the mapping editor offers. `mail` is null for accounts without
 * a mailbox, so the email falls back to the user principal name.
 */
export const entraDefaultAttributeMapping: Record<string, string> = {
  email: 'default(mail, userPrincipalName)',
  givenName: 'givenName',
  familyName: 'surname',
  displayName: 'displayName',
  'attributes.jobTitle': 'jobTitle',
  'attributes.department': 'department',
  'attributes.employeeId': 'employeeId',
  'attributes.userPrincipalName': 'userPrincipalName',
};

/** The user fields the connector `$select`s (Graph omits most fields unless selected). */
export const entraKnownSourcePaths: string[] = [
  'id', 'userPrincipalName', 'mail', 'otherMails', 'givenName', 'surname', 'displayName', 'jobTitle', 'department',
  'companyName', 'officeLocation', 'employeeId', 'employeeType', 'accountEnabled', 'userType', 'mobilePhone',
  'businessPhones', 'preferredLanguage', 'createdDateTime', 'onPremisesImmutableId', 'onPremisesSamAccountName',
];
