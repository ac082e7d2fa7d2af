import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';

/**
 * A scheduled change of the provisioned concurrency's bounds, for example more capacity during office hours.
 *
 * Neither bound may be 0: provisioned concurrency scaled to 0 makes the next deployment of the alias fail
 * with `ProvisionedConcurrencyConfigNotFoundException` (aws-cdk #29992).
 */
export interface ProvisionedConcurrencySchedule extends appscaling.ScalingSchedule {
  /**
   * The name of the scheduled action, unique within the function: 1 to 256 letters, digits, `-` or `_`.
   */
  readonly name: string;
}

/**
 * Application Auto Scaling of the alias's provisioned concurrency: target tracking on
 * `ProvisionedConcurrencyUtilization`, between `minCapacity` and `maxCapacity`, with optional schedules.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html#managing-provisioned-concurrency
 */
export interface ProvisionedConcurrencyScalingOptions {
  /**
   * The least provisioned concurrency auto scaling keeps. At least 1, at most `maxCapacity`.
   *
   * @default - `provisionedConcurrentExecutions` when set, otherwise 1
   */
  readonly minCapacity?: number;

  /**
   * The most provisioned concurrency auto scaling allocates. At least `minCapacity`; at most
   * `reservedConcurrentExecutions` when that is set.
   */
  readonly maxCapacity: number;

  /**
   * The share of the provisioned concurrency in use that auto scaling aims for: between 0.1 and 0.9.
   *
   * @default 0.7
   */
  readonly utilizationTarget?: number;

  /**
   * Scheduled changes of `minCapacity` and `maxCapacity`.
   *
   * @default - no schedules
   */
  readonly schedules?: ProvisionedConcurrencySchedule[];
}
