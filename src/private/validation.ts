import { Duration, Size, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InvalidPropertyError } from './errors';

/**
 * Refuses a number outside [min, max]. Unresolved tokens and `undefined` are skipped, never guessed.
 */
export function checkRange(scope: IConstruct | string, property: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPropertyError(scope, `${property} must be an integer between ${min}${unit} and ${max}${unit}, got ${value}${unit}`);
  }
}

/** Refuses a duration outside [min, max], compared in seconds. */
export function checkDuration(scope: IConstruct | string, property: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) { return; }
  const seconds = value.toSeconds({ integral: false });
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    throw new InvalidPropertyError(scope, `${property} must be between ${min.toHumanString()} and ${max.toHumanString()}, got ${value.toHumanString()}`);
  }
}

/** Refuses a size outside [minMiB, maxMiB]. */
export function checkSizeMiB(scope: IConstruct | string, property: string, value: Size | undefined, minMiB: number, maxMiB: number): void {
  if (value === undefined || value.isUnresolved()) { return; }
  checkRange(scope, property, value.toMebibytes(), minMiB, maxMiB, ' MiB');
}

/** Refuses a string that does not match `pattern`; `rule` says in words what is allowed. */
export function checkPattern(scope: IConstruct | string, property: string, value: string | undefined, pattern: RegExp, rule: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!pattern.test(value)) {
    throw new InvalidPropertyError(scope, `${property} ${rule}, got ${JSON.stringify(value)}`);
  }
}

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

/** Refuses anything but a 12-digit AWS account ID. */
export function checkAccountId(scope: IConstruct | string, property: string, accountId: string | undefined): void {
  checkPattern(scope, property, accountId, /^\d{12}$/, 'must be a 12-digit AWS account ID');
}

/** Refuses anything but an AWS Organizations ID. */
export function checkOrganizationId(scope: IConstruct | string, property: string, organizationId: string | undefined): void {
  checkPattern(scope, property, organizationId, /^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations ID (o- followed by 10 to 32 lowercase letters or digits)');
}
