import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InvalidPropertyError } from './errors';

/**
 * Refuses a number outside (exclusiveMin, max], fractions allowed (percentages, ratios).
 * Unresolved tokens and `undefined` are skipped, never guessed.
 */
export function checkAbove(scope: IConstruct | string, property: string, value: number | undefined, exclusiveMin: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!Number.isFinite(value) || value <= exclusiveMin || value > max) {
    throw new InvalidPropertyError(scope, `${property} must be greater than ${exclusiveMin}${unit} and at most ${max}${unit}, got ${value}${unit}`);
  }
}

/** Refuses a number below `min` (fractions allowed). */
export function checkAtLeast(scope: IConstruct | string, property: string, value: number | undefined, min: number): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!Number.isFinite(value) || value < min) {
    throw new InvalidPropertyError(scope, `${property} must be at least ${min}, got ${value}`);
  }
}

/** Refuses a duration that is not a whole number of minutes in [minMinutes, maxMinutes] (no upper bound when `maxMinutes` is not given). */
export function checkWholeMinutes(scope: IConstruct | string, property: string, value: Duration | undefined,
  minMinutes: number, maxMinutes?: number): void {
  if (value === undefined || value.isUnresolved()) { return; }
  const minutes = value.toSeconds({ integral: false }) / 60;
  if (!Number.isInteger(minutes) || minutes < minMinutes || (maxMinutes !== undefined && minutes > maxMinutes)) {
    const range = maxMinutes === undefined ? `at least ${minMinutes}` : `between ${minMinutes} and ${maxMinutes}`;
    throw new InvalidPropertyError(scope, `${property} must be a whole number of minutes, ${range}, got ${value.toHumanString()}`);
  }
}
