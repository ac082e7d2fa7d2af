import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkRange, checkWholeMinutes } from './private/validation';

/**
 * How CodeDeploy shifts the alias's traffic from the current version to a new one.
 *
 * Use one of the predefined shifts (`TrafficShift.CANARY_10PERCENT_5MINUTES`, ...), or
 * `TrafficShift.canary(...)` / `TrafficShift.linear(...)` for a custom one.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-lambda
 */
export class TrafficShift {
  /** All traffic moves to the new version at once. The alarms can still roll it back afterwards. */
  public static readonly ALL_AT_ONCE = new TrafficShift('AllAtOnce', () => codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE);

  /** 10% of the traffic for 5 minutes, then all of it. */
  public static readonly CANARY_10PERCENT_5MINUTES = new TrafficShift('Canary10Percent5Minutes', () => codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES);

  /** 10% of the traffic for 10 minutes, then all of it. */
  public static readonly CANARY_10PERCENT_10MINUTES = new TrafficShift('Canary10Percent10Minutes', () => codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES);

  /** 10% of the traffic for 15 minutes, then all of it. */
  public static readonly CANARY_10PERCENT_15MINUTES = new TrafficShift('Canary10Percent15Minutes', () => codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES);

  /** 10% of the traffic for 30 minutes, then all of it. */
  public static readonly CANARY_10PERCENT_30MINUTES = new TrafficShift('Canary10Percent30Minutes', () => codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES);

  /** 10% more of the traffic every minute (10 minutes in all). */
  public static readonly LINEAR_10PERCENT_EVERY_1MINUTE = new TrafficShift('Linear10PercentEvery1Minute', () => codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE);

  /** 10% more of the traffic every 2 minutes (20 minutes in all). */
  public static readonly LINEAR_10PERCENT_EVERY_2MINUTES = new TrafficShift('Linear10PercentEvery2Minutes', () => codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES);

  /** 10% more of the traffic every 3 minutes (30 minutes in all). */
  public static readonly LINEAR_10PERCENT_EVERY_3MINUTES = new TrafficShift('Linear10PercentEvery3Minutes', () => codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES);

  /** 10% more of the traffic every 10 minutes (100 minutes in all). */
  public static readonly LINEAR_10PERCENT_EVERY_10MINUTES = new TrafficShift('Linear10PercentEvery10Minutes', () => codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES);

  /**
   * A custom canary: `percentage` of the traffic for `interval`, then all of it.
   * Creates a CodeDeploy deployment configuration in the function's stack.
   *
   * @param percentage the share of traffic the new version gets first, in percent: an integer from 1 to 99
   * @param interval how long the canary runs before the rest of the traffic moves: a whole number of minutes, at least 1
   */
  public static canary(percentage: number, interval: Duration): TrafficShift {
    return TrafficShift.custom(`Canary${percentage}Percent${describeMinutes(interval)}`, percentage, interval,
      () => codedeploy.TrafficRouting.timeBasedCanary({ percentage, interval }));
  }

  /**
   * A custom linear shift: `percentage` more of the traffic every `interval`, until all of it.
   * Creates a CodeDeploy deployment configuration in the function's stack.
   *
   * @param percentage the share of traffic added at each step, in percent: an integer from 1 to 99
   * @param interval the time between steps: a whole number of minutes, at least 1
   */
  public static linear(percentage: number, interval: Duration): TrafficShift {
    return TrafficShift.custom(`Linear${percentage}PercentEvery${describeMinutes(interval)}`, percentage, interval,
      () => codedeploy.TrafficRouting.timeBasedLinear({ percentage, interval }));
  }

  /**
   * Any CodeDeploy deployment configuration for Lambda, for example one imported by name.
   *
   * @param config the deployment configuration
   */
  public static fromDeploymentConfig(config: codedeploy.ILambdaDeploymentConfig): TrafficShift {
    return new TrafficShift('Imported', () => config);
  }

  private static custom(name: string, percentage: number, interval: Duration, routing: () => codedeploy.TrafficRouting): TrafficShift {
    return new TrafficShift(name, (scope: Construct) => {
      checkRange(scope, 'deployment.trafficShift percentage', percentage, 1, 99, '%');
      checkWholeMinutes(scope, 'deployment.trafficShift interval', interval, 1);
      return new codedeploy.LambdaDeploymentConfig(scope, 'TrafficShift', { trafficRouting: routing() });
    });
  }

  /**
   * A short description of the shift, for example `Canary10Percent5Minutes`: for a predefined shift, the name of
   * CodeDeploy's configuration without the `CodeDeployDefault.Lambda` prefix; `Imported` for `fromDeploymentConfig`.
   */
  public readonly name: string;

  private constructor(name: string, private readonly factory: (scope: Construct) => codedeploy.ILambdaDeploymentConfig) {
    this.name = name;
  }

  /**
   * The CodeDeploy deployment configuration, validated and, for a custom shift, created under `scope`.
   *
   * @internal
   */
  public _bind(scope: Construct): codedeploy.ILambdaDeploymentConfig {
    return this.factory(scope);
  }
}

function describeMinutes(interval: Duration): string {
  return interval.isUnresolved() ? 'Token' : `${interval.toSeconds({ integral: false }) / 60}Minutes`;
}

/**
 * How a new version of the function reaches its callers: CodeDeploy shifts the alias's traffic to it
 * step by step, and rolls back when an alarm fires, a hook reports failure, or the deployment fails.
 *
 * With a deployment, CloudFormation hands every change of the alias's version to CodeDeploy
 * (the alias's `UpdatePolicy.CodeDeployLambdaAliasUpdate`).
 */
export interface DeploymentOptions {
  /**
   * How the traffic moves to the new version.
   *
   * @default TrafficShift.CANARY_10PERCENT_5MINUTES
   */
  readonly trafficShift?: TrafficShift;

  /**
   * A function CodeDeploy invokes before any traffic moves, to test the new version. It must report
   * `Succeeded` or `Failed` with `codedeploy:PutLifecycleEventHookExecutionStatus`, which its role is
   * granted on this deployment group alone. `Failed` stops the deployment and rolls it back.
   *
   * @default - no pre-traffic hook
   * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-lambda
   */
  readonly preTrafficHook?: lambda.IFunction;

  /**
   * A function CodeDeploy invokes after all traffic has moved, to check the new version under load.
   * Same contract and permission as `preTrafficHook`.
   *
   * @default - no post-traffic hook
   */
  readonly postTrafficHook?: lambda.IFunction;

  /**
   * More alarms that stop and roll back a deployment when they fire, besides the function's own
   * (those of its `alarms` whose `rollback` is true).
   *
   * @default - only the function's own alarms
   */
  readonly alarms?: cloudwatch.IAlarm[];

  /**
   * Whether a deployment that someone stops by hand rolls back to the previous version.
   * Failed deployments, and deployments stopped by an alarm, always roll back.
   *
   * @default true
   */
  readonly rollbackOnStop?: boolean;

  /**
   * The CodeDeploy application the deployment group belongs to.
   *
   * @default - a new application
   */
  readonly application?: codedeploy.ILambdaApplication;

  /**
   * The deployment group's name.
   *
   * @default - a name CloudFormation generates
   */
  readonly deploymentGroupName?: string;
}
