/** Public surface of the Okta emulator. */
export { startOktaEmulator } from './okta-emulator.js';
export type { OktaEmulatorHandle, OktaEmulatorOptions } from './okta-emulator.js';
export type { OktaOAuthClient } from './okta-oauth.js';
export { createOktaIds } from './okta-ids.js';
export type { OktaIds } from './okta-ids.js';
export { OKTA_STATUS } from './okta-render.js';
export type { OktaUserStatus } from './okta-render.js';
export { OKTA_ERRORS, oktaErrorBody } from './okta-errors.js';
export type { OktaErrorBody } from './okta-errors.js';
export { parseExpression, compileExpression } from './okta-filter.js';
export type { EmulatorHandle } from '../shared/emulator-handle.js';
export type { Fault, FaultKind } from '../shared/faults.js';
