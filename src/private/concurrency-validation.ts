import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InvalidPropertyError } from './errors';
import { checkPattern, checkRange } from './validation';
import type { ProvisionedConcurrencyScalingOptions } from '../concurrency';

const MAX_CONCURRENCY = 1_000_000;
const PROP = 'provisionedConcurrencyScaling';

/**
 * Refuses auto scaling settings that Application Auto Scaling or Lambda would refuse, or that would break
 * the next deployment: minCapacity above maxCapacity, capacity above the reserved concurrency, a target outside
 * 0.1 to 0.9, and any bound of 0 (aws-cdk #29992). Unresolved tokens are skipped, never guessed.
 */
export function checkProvisionedScaling(scope: IConstruct, scaling: ProvisionedConcurrencyScalingOptions | undefined,
  reserved: number | undefined, provisioned: number | undefined): void {
  if (!scaling) { return; }
  checkCapacity(scope, `${PROP}.minCapacity`, scaling.minCapacity);
  checkCapacity(scope, `${PROP}.maxCapacity`, scaling.maxCapacity);
  const minFromProvisioned = scaling.minCapacity === undefined && provisioned !== undefined;
  const min = scaling.minCapacity ?? provisioned ?? 1;
  const max = scaling.maxCapacity;
  if (known(min, max) && min > max) {
    throw new InvalidPropertyError(scope, minFromProvisioned
      ? `provisionedConcurrentExecutions, the default ${PROP}.minCapacity, must be at most ${PROP}.maxCapacity (${max}), got ${min}`
      : `${PROP}.minCapacity must be at most ${PROP}.maxCapacity (${max}), got ${min}`);
  }
  checkNotAboveReserved(scope, `${PROP}.maxCapacity`, max, reserved);
  if (provisioned !== undefined && known(provisioned, min, max) && (provisioned < min || provisioned > max)) {
    throw new InvalidPropertyError(scope,
      `provisionedConcurrentExecutions must be between ${PROP}.minCapacity (${min}) and ${PROP}.maxCapacity (${max}), got ${provisioned} (auto scaling would move it at once)`);
  }
  const target = scaling.utilizationTarget;
  if (target !== undefined && !Token.isUnresolved(target) && !(target >= 0.1 && target <= 0.9)) {
    throw new InvalidPropertyError(scope, `${PROP}.utilizationTarget must be between 0.1 and 0.9, got ${target}`);
  }
  const names = new Set<string>();
  for (const [i, schedule] of (scaling.schedules ?? []).entries()) {
    const where = `${PROP}.schedules[${i}]`;
    checkPattern(scope, `${where}.name`, schedule.name, /^[A-Za-z0-9_-]{1,256}$/, 'must be 1 to 256 letters, digits, "-" or "_"');
    if (names.has(schedule.name)) {
      throw new InvalidPropertyError(scope, `${where}.name must be unique among the schedules, got ${JSON.stringify(schedule.name)} twice`);
    }
    names.add(schedule.name);
    if (schedule.minCapacity === undefined && schedule.maxCapacity === undefined) {
      throw new InvalidPropertyError(scope, `${where} must set minCapacity, maxCapacity or both, got neither`);
    }
    checkCapacity(scope, `${where}.minCapacity`, schedule.minCapacity);
    checkCapacity(scope, `${where}.maxCapacity`, schedule.maxCapacity);
    if (schedule.minCapacity !== undefined && schedule.maxCapacity !== undefined && known(schedule.minCapacity, schedule.maxCapacity)
      && schedule.minCapacity > schedule.maxCapacity) {
      throw new InvalidPropertyError(scope, `${where}.minCapacity must be at most its maxCapacity (${schedule.maxCapacity}), got ${schedule.minCapacity}`);
    }
    checkNotAboveReserved(scope, `${where}.minCapacity`, schedule.minCapacity, reserved);
    checkNotAboveReserved(scope, `${where}.maxCapacity`, schedule.maxCapacity, reserved);
  }
}

/** A provisioned concurrency bound: at least 1, because 0 breaks the next deployment. */
function checkCapacity(scope: IConstruct, property: string, value: number | undefined): void {
  if (value === 0) {
    throw new InvalidPropertyError(scope,
      `${property} must be at least 1, got 0 (provisioned concurrency scaled to 0 makes the next deployment fail with ProvisionedConcurrencyConfigNotFoundException, aws-cdk #29992)`);
  }
  checkRange(scope, property, value, 1, MAX_CONCURRENCY);
}

/** Provisioned concurrency comes out of the reserved concurrency, so it can never exceed it. */
export function checkNotAboveReserved(scope: IConstruct, property: string, value: number | undefined, reserved: number | undefined): void {
  if (value === undefined || reserved === undefined || !known(value, reserved)) { return; }
  if (value > reserved) {
    throw new InvalidPropertyError(scope, `${property} must be at most reservedConcurrentExecutions (${reserved}), got ${value}`);
  }
}

function known(...values: number[]): boolean {
  return values.every(v => !Token.isUnresolved(v));
}
