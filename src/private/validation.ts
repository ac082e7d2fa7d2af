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
