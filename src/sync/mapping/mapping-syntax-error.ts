/**
 * Thrown by the expression parser and caught by `compileMapping`, which turns it into a
 * `MappingError`; it never leaves this module. `position` is 1-based (the first character is 1).
 */
export class MappingSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly position: number,
    readonly hint: string,
  ) {
    super(`${problem} at position ${position}; ${hint}`);
    this.name = 'MappingSyntaxError';
  }
}
