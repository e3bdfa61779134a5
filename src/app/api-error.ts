/** The errors the API answers with: a stable code, an HTTP status, a message and how to fix it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `No ${what} with id "${id}" in this tenant.`);
export const badRequest = (path: string, message: string, hint?: string) =>
  new ApiError(400, 'invalid_request', `${path}: ${message}${hint ? ` (${hint})` : ''}`, { issues: [{ path, message, ...(hint ? { hint } : {}) }] });
export const conflict = (message: string, details?: Record<string, unknown>) => new ApiError(409, 'conflict', message, details);
