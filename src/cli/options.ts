/** Parsers for commander option values: each failure names the option and the fix. */
import { InvalidArgumentError } from 'commander';

export function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

export const portOption = intOption(0, 65535);
