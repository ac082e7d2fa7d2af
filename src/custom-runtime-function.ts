import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { FunctionAlarms, FunctionAlarmsOptions } from './alarms';
import { ProvisionedConcurrencyScalingOptions } from './concurrency';
import { DeploymentOptions } from './deployment';
import { ServiceInvokeOptions } from './invoke-permissions';
import { aliasMetric, errorRateExpression } from './private/alias-metrics';
import { acknowledgeFailureDestinationFinding, configureDeadLetter } from './private/dead-letter';
import { createDeploymentGroup } from './private/deployment-group';
import { InvalidPropertyError } from './private/errors';
import { acknowledgeKeyGrantFindings, attachUnscopablePolicies, createExecutionRole, dropRedundantRoleDependency, setTracingMode, unscopableGrants } from './private/execution-role';
import { skipDefaultFunctionChecks } from './private/function-checkov';
import { validateFunctionProps } from './private/function-validation';
import { logGroupEncryptionKey, skipLogGroupKeyCheck } from './private/log-encryption';
import { configureProvisionedScaling } from './private/provisioned-scaling';
import { checkAccountId, checkOrganizationId, checkPattern } from './private/validation';
import { ShellRuntime } from './shell-runtime';

/**
 * Properties of a `CustomRuntimeFunction`.
 *
 * Everything `lambda.Function` accepts passes through, with safer defaults. The asynchronous
 * invocation settings (`retryAttempts`, `maxEventAge`, `onSuccess`, `onFailure`) apply to the alias,
 * where callers invoke the function, not to `$LATEST`.
 */
export interface CustomRuntimeFunctionProps extends lambda.FunctionOptions {
  /**
   * The function's code: for the shell runtime, a directory holding `file.sh`.
   */
  readonly code: lambda.Code;

  /**
   * The handler, as `file.function`: the shell runtime sources `file.sh` from the code's root once
   * and calls the shell function `function` for each event.
   *
   * `file` may contain letters, digits, `_`, `-`, `.` and `/` (no `..` part; the last dot separates file and function);
   * `function` starts with a letter or `_`, then letters, digits, `_` or `-`. At most 128 characters.
   */
  readonly handler: string;

  /**
   * The Lambda runtime: `provided.al2023` or `provided.al2`. Any other runtime is refused.
   *
   * @default Runtime.PROVIDED_AL2023
   */
  readonly runtime?: lambda.Runtime;

  /**
   * The layer that provides the runtime's `bootstrap`.
   *
   * @default - the built-in shell runtime (`ShellRuntime.layer`), one layer per stack and architecture
   */
  readonly runtimeLayer?: lambda.ILayerVersion;

  /**
   * The name of the alias that points at the newest published version. Callers, event sources and
   * permissions go to this alias.
   *
   * 1 to 128 letters, digits, `-` or `_`; not a number and not `$LATEST` (the Invoke API would read those as versions).
   *
   * @default 'live'
   */
  readonly aliasName?: string;

  /**
   * Any string: change it to publish a new version when something the version cannot see has changed,
   * for example code referenced through a token (an S3 object key from another stack).
   *
   * @default - versions follow the code, the configuration and the layers only
   */
  readonly versionTrigger?: string;

  /**
   * A customer managed KMS key for the dead-letter queue this construct creates.
   * The function's role gets `kms:GenerateDataKey` and `kms:Decrypt` on it.
   *
   * @default - the queue is encrypted with SQS-managed keys (SSE-SQS)
   */
  readonly deadLetterQueueEncryptionKey?: kms.IKey;

  /**
   * A customer managed KMS key that encrypts the log group this construct creates (Control Tower's CT.CLOUDWATCH.PR.3).
   *
   * When the key is defined in this app, its key policy gets a statement that lets CloudWatch Logs
   * (`logs.<region>.amazonaws.com`) use it for the log groups of this account and region, as CloudWatch Logs requires.
   * One key can serve every function of an account and region: a key costs 1 USD a month.
   * Refused together with `logGroup`: set the key on that log group instead.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   * @default - log data is encrypted with keys CloudWatch Logs manages
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Provisioned concurrency on the alias.
   *
   * At least 1; must not exceed `reservedConcurrentExecutions` when both are set, and must lie between
   * the auto scaling bounds when `provisionedConcurrencyScaling` is set.
   *
   * @default - no provisioned concurrency
   */
  readonly provisionedConcurrentExecutions?: number;

  /**
   * Application Auto Scaling of the alias's provisioned concurrency: target tracking on utilization
   * between a minimum and a maximum, and optional schedules.
   *
   * @default - no auto scaling: the provisioned concurrency, if any, stays at `provisionedConcurrentExecutions`
   */
  readonly provisionedConcurrencyScaling?: ProvisionedConcurrencyScalingOptions;

  /**
   * CloudWatch alarms on the alias. They exist with or without a `deployment`; with one, those whose
   * `rollback` is true stop and roll back a deployment when they fire.
   *
   * @default - error rate, throttles, duration near the timeout, dead-letter queue messages and lost asynchronous
   * events, with the thresholds documented on `FunctionAlarmsOptions`
   */
  readonly alarms?: FunctionAlarmsOptions;

  /**
   * Safe releases: CodeDeploy shifts the alias's traffic to each new version step by step, and rolls back
   * when an alarm fires, a hook reports failure or the deployment fails.
   *
   * @default - no CodeDeploy deployment: a new version takes all the traffic as soon as CloudFormation updates the alias
   */
  readonly deployment?: DeploymentOptions;
}

/**
 * A production-ready Lambda function on a custom runtime (`provided.al2023` by default).
 *
 * Out of the box it has: the built-in shell runtime as a layer; a new published version on every
 * change of code, configuration or runtime layer, behind an alias (`live`) that callers use;
 * an encrypted, TLS-only dead-letter queue; asynchronous invocation settings on the alias;
 * X-Ray active tracing; a log group with one month of retention; and a role with no AWS managed
 * policies whose log permissions are scoped to that log group.
 */
export class CustomRuntimeFunction extends Construct implements iam.IGrantable {
  /** The underlying function (`$LATEST`). Prefer `alias` for anything that invokes it. */
  public readonly function: lambda.Function;

  /** The version published for the current code and configuration. */
  public readonly version: lambda.IVersion;

  /** The alias callers invoke; it points at `version`. */
  public readonly alias: lambda.Alias;

  /** The function's execution role. */
  public readonly role: iam.IRole;

  /** The principal to grant permissions to, the execution role. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The log group the function writes to. */
  public readonly logGroup: logs.ILogGroup;

  /** The layer that provides the runtime. */
  public readonly runtimeLayer: lambda.ILayerVersion;

  /**
   * The dead-letter queue, when one is used.
   *
   * @default - none when `deadLetterQueueEnabled` is false or a topic is used
   */
  public readonly deadLetterQueue?: sqs.IQueue;

  /**
   * The dead-letter topic, when one is given.
   *
   * @default - none
   */
  public readonly deadLetterTopic?: sns.ITopic;

  /**
   * The alarms on the alias.
   *
   * @default - none when `alarms.enabled` is false
   */
  public readonly alarms?: FunctionAlarms;

  /**
   * The CodeDeploy deployment group that shifts the alias to new versions.
   *
   * @default - none without `deployment`
   */
  public readonly deploymentGroup?: codedeploy.LambdaDeploymentGroup;

  /**
   * The auto scaling of the alias's provisioned concurrency, for more scaling policies.
   *
   * @default - none without `provisionedConcurrencyScaling`
   */
  public readonly provisionedConcurrencyScaling?: lambda.IScalableFunctionAttribute;

  constructor(scope: Construct, id: string, props: CustomRuntimeFunctionProps) {
    super(scope, id);
    // A new version whenever the runtime layer or a version-locked property changes, whatever the app's flags.
    this.node.setContext(cxapi.LAMBDA_RECOGNIZE_VERSION_PROPS, true);
    this.node.setContext(cxapi.LAMBDA_RECOGNIZE_LAYER_VERSION, true);

    const runtime = props.runtime ?? lambda.Runtime.PROVIDED_AL2023;
    validateFunctionProps(this, props, runtime);
    const aliasName = props.aliasName ?? 'live';

    this.runtimeLayer = props.runtimeLayer ?? ShellRuntime.layer(this, props.architecture ?? lambda.Architecture.X86_64);
    const logEncryptionKey = logGroupEncryptionKey(this, props);
    this.logGroup = props.logGroup ? logs.LogGroup.fromLogGroupArn(this, 'ImportedLogGroup', props.logGroup.logGroupRef.logGroupArn) : new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    if (!props.logGroup && !logEncryptionKey) {
      skipLogGroupKeyCheck(this.logGroup);
    }
    const tracing = props.tracing ?? lambda.Tracing.ACTIVE;
    const unscopable = unscopableGrants(tracing, props.vpc !== undefined && props.role === undefined);
    this.role = props.role ?? createExecutionRole(this, unscopable);
    this.grantPrincipal = this.role;
    this.logGroup.grant(this.role, 'logs:CreateLogStream', 'logs:PutLogEvents');

    const deadLetter = configureDeadLetter(this, this.role, props);
    this.deadLetterQueue = deadLetter.queue;
    this.deadLetterTopic = deadLetter.topic;

    const {
      logRetention, logRemovalPolicy, logGroup, logEncryptionKey: logKeyOfTheLogGroup, events, retryAttempts, maxEventAge, onSuccess, onFailure,
      deadLetterQueue, deadLetterQueueEnabled, deadLetterTopic, currentVersionOptions, layers,
      provisionedConcurrentExecutions, provisionedConcurrencyScaling, alarms, deployment,
      tracing: tracingSetByRole, // applied by setTracingMode: aws-cdk-lib would add X-Ray to the default policy
      ...passThrough
    } = props;
    const timeout = props.timeout ?? Duration.seconds(30);
    this.function = new lambda.Function(this, 'Function', {
      ...passThrough,
      runtime,
      role: this.role,
      layers: [this.runtimeLayer, ...layers ?? []],
      memorySize: props.memorySize ?? 256,
      timeout,
      logGroup: this.logGroup,
      deadLetterQueue: deadLetter.queue,
      deadLetterTopic: deadLetter.topic,
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN, ...currentVersionOptions },
    });
    if (props.versionTrigger !== undefined) {
      this.function.invalidateVersionBasedOn(props.versionTrigger);
    }
    setTracingMode(this.function, tracing);
    dropRedundantRoleDependency(this.function);
    skipDefaultFunctionChecks(this.function, props);
    if (props.role) {
      attachUnscopablePolicies(this, props.role, this.function, unscopable);
    }
    if (props.vpc && props.role) {
      Annotations.of(this).addWarningV2('cdk-custom-runtime:vpcRoleNotEquipped',
        'With your own role, the function\'s VPC network-interface permissions (ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, '
        + 'ec2:DescribeSubnets, ec2:DeleteNetworkInterface, ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses) are yours to grant.');
    }
    if (!props.role && (onSuccess || onFailure)) {
      acknowledgeKeyGrantFindings(this.role);
    }

    this.version = this.function.currentVersion;
    this.alias = new lambda.Alias(this, 'Alias', {
      aliasName,
      version: this.version,
      retryAttempts,
      maxEventAge,
      onSuccess,
      onFailure,
      provisionedConcurrentExecutions,
    });
    if (deadLetter.queue || deadLetter.topic) {
      acknowledgeFailureDestinationFinding(this.alias);
    }
    for (const source of events ?? []) {
      this.alias.addEventSource(source);
    }
    if (provisionedConcurrencyScaling) {
      this.provisionedConcurrencyScaling = configureProvisionedScaling(this.alias, provisionedConcurrencyScaling, provisionedConcurrentExecutions);
    }

    if (alarms?.enabled !== false) {
      this.alarms = new FunctionAlarms(this, 'Alarms', {
        ...alarms,
        alias: this.alias,
        timeout,
        deadLetterQueue: this.deadLetterQueue,
      });
    }
    if (deployment) {
      this.deploymentGroup = createDeploymentGroup(this, this.alias, deployment, this.alarms?.rollbackAlarms ?? []);
    }
  }

  /**
   * The ARN callers invoke: the alias ARN.
   */
  public get functionArn(): string {
    return this.alias.functionArn;
  }

  /**
   * Lets an IAM principal invoke the alias (`lambda:InvokeFunction` on the alias ARN only).
   *
   * @param grantee the principal to allow
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    if (principal instanceof iam.ServicePrincipal) {
      throw new InvalidPropertyError(this, `grantInvoke: ${principal.service} is an AWS service; use allowInvokeByService() with sourceArn or sourceAccount, `
        + 'or any resource of that service in any account could make it invoke this function');
    }
    return this.alias.grantInvoke(grantee);
  }

  /**
   * Lets an AWS service invoke the alias on behalf of one source resource or account.
   *
   * Refused without `sourceArn` or `sourceAccount` (confused-deputy protection).
   *
   * @param id a construct ID for the permission, unique within this function
   * @param options the service principal and the source it acts for
   */
  public allowInvokeByService(id: string, options: ServiceInvokeOptions): void {
    checkPattern(this, 'servicePrincipal', options.servicePrincipal, /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/, 'must be an AWS service principal such as "events.amazonaws.com"');
    if (options.servicePrincipal === 's3.amazonaws.com' && options.sourceAccount === undefined) {
      throw new InvalidPropertyError(this, 'allowInvokeByService: s3.amazonaws.com needs sourceAccount, got none (bucket ARNs name no account, so sourceArn alone does not pin the bucket owner)');
    }
    if (options.sourceArn === undefined && options.sourceAccount === undefined) {
      throw new InvalidPropertyError(this, `allowInvokeByService: ${options.servicePrincipal} needs sourceArn or sourceAccount, got neither (without them any account's resources could make the service invoke this function)`);
    }
    checkAccountId(this, 'sourceAccount', options.sourceAccount);
    this.alias.addPermission(id, {
      principal: new iam.ServicePrincipal(options.servicePrincipal),
      action: 'lambda:InvokeFunction',
      sourceArn: options.sourceArn,
      sourceAccount: options.sourceAccount,
    });
  }

  /**
   * Lets another AWS account invoke the alias.
   *
   * @param id a construct ID for the permission, unique within this function
   * @param accountId the 12-digit account ID
   */
  public allowInvokeByAccount(id: string, accountId: string): void {
    checkAccountId(this, 'accountId', accountId);
    this.alias.addPermission(id, {
      principal: new iam.AccountPrincipal(accountId),
      action: 'lambda:InvokeFunction',
    });
  }

  /**
   * Lets the principals of one AWS Organization invoke the alias (`principalOrgId` condition).
   *
   * @param id a construct ID for the permission, unique within this function
   * @param organizationId the organization ID, `o-` followed by 10 to 32 lowercase letters or digits
   */
  public allowInvokeByOrganization(id: string, organizationId: string): void {
    checkOrganizationId(this, 'organizationId', organizationId);
    this.alias.addPermission(id, {
      principal: new iam.OrganizationPrincipal(organizationId),
      action: 'lambda:InvokeFunction',
    });
  }

  /**
   * Adds a function URL to the alias. It requires IAM authentication unless `authType` says otherwise;
   * `FunctionUrlAuthType.NONE` records an acknowledgeable warning (`cdk-custom-runtime:publicFunctionUrl`).
   *
   * @param options the URL's settings (auth type, CORS, invoke mode)
   */
  public addFunctionUrl(options: lambda.FunctionUrlOptions = {}): lambda.FunctionUrl {
    const authType = options.authType ?? lambda.FunctionUrlAuthType.AWS_IAM;
    if (authType === lambda.FunctionUrlAuthType.NONE) {
      Annotations.of(this).addWarningV2('cdk-custom-runtime:publicFunctionUrl',
        'The function URL has auth type NONE: anyone on the internet can invoke the function. Use AWS_IAM unless the function authenticates callers itself.');
    }
    return this.alias.addFunctionUrl({ ...options, authType });
  }

  /**
   * Adds an event source to the alias, so that events reach the published version.
   *
   * @param source the event source, for example an SQS queue
   */
  public addEventSource(source: lambda.IEventSource): void {
    this.alias.addEventSource(source);
  }

  /**
   * Any `AWS/Lambda` metric of the alias (dimensions `FunctionName` and `Resource` = `<function>:<alias>`).
   *
   * Built from names only, so alarms on it never depend on the alias or its deployment group.
   *
   * @param metricName the metric's name in the `AWS/Lambda` namespace, for example `AsyncEventsDropped`
   * @param props statistic, period, label and other options; the statistic defaults to Average and the period to 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return aliasMetric(this.function.functionName, this.alias.aliasName, metricName, props);
  }

  /**
   * Invocations of the alias, failed ones included.
   *
   * @param props statistic, period and other options; the statistic defaults to Sum and the period to 5 minutes
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Invocations of the alias that ended in a function error.
   *
   * @param props statistic, period and other options; the statistic defaults to Sum and the period to 5 minutes
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Errors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Errors in percent of invocations: `100 * Errors / Invocations`, no value when there is no invocation.
   *
   * @param props period, label and other options; the period defaults to 5 minutes
   */
  public metricErrorRate(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    const period = props?.period ?? Duration.minutes(5);
    return errorRateExpression(this.metricErrors({ period }), this.metricInvocations({ period }), { ...props, period });
  }

  /**
   * Invocation requests of the alias that were throttled.
   *
   * @param props statistic, period and other options; the statistic defaults to Sum and the period to 5 minutes
   */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Throttles', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Time the function spent on each event through the alias, in milliseconds.
   *
   * @param props statistic, period and other options; the statistic defaults to Average and the period to 5 minutes
   */
  public metricDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Duration', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Instances of the alias processing events at the same time.
   *
   * @param props statistic, period and other options; the statistic defaults to Maximum and the period to 5 minutes
   */
  public metricConcurrentExecutions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ConcurrentExecutions', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Invocations of the alias served on standard concurrency because all provisioned concurrency was in use.
   *
   * @param props statistic, period and other options; the statistic defaults to Sum and the period to 5 minutes
   */
  public metricProvisionedConcurrencySpilloverInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ProvisionedConcurrencySpilloverInvocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Asynchronous events of the alias that could not be sent to the dead-letter queue or topic.
   *
   * @param props statistic, period and other options; the statistic defaults to Sum and the period to 5 minutes
   */
  public metricDeadLetterErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DeadLetterErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Asynchronous results of the alias that could not be sent to their `onSuccess`/`onFailure` destination.
   *
   * @param props statistic, period and other options; the statistic defaults to Sum and the period to 5 minutes
   */
  public metricDestinationDeliveryFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DestinationDeliveryFailures', { statistic: cloudwatch.Stats.SUM, ...props });
  }
}
