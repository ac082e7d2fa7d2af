import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ProvisionedConcurrencyScalingOptions } from '../concurrency';

/** The target-tracking utilization when none is given, as documented on `ProvisionedConcurrencyScalingOptions`. */
export const DEFAULT_UTILIZATION_TARGET = 0.7;

/**
 * Registers the alias's provisioned concurrency with Application Auto Scaling: target tracking on
 * utilization, and the scheduled actions. The options were validated with the function's props.
 */
export function configureProvisionedScaling(alias: lambda.Alias, options: ProvisionedConcurrencyScalingOptions,
  provisionedConcurrentExecutions: number | undefined): lambda.IScalableFunctionAttribute {
  const scaling = alias.addAutoScaling({
    minCapacity: options.minCapacity ?? provisionedConcurrentExecutions ?? 1,
    maxCapacity: options.maxCapacity,
  });
  scaling.scaleOnUtilization({ utilizationTarget: options.utilizationTarget ?? DEFAULT_UTILIZATION_TARGET });
  for (const { name, ...schedule } of options.schedules ?? []) {
    scaling.scaleOnSchedule(name, schedule);
  }
  return scaling;
}
