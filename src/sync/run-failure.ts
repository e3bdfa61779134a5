/** A run that cannot go on, with a stable code and a message (and hint) written for the admin. */
export class RunFailure extends Error {
  constructor(readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}
