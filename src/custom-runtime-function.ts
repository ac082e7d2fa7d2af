import { Annotations, Duration, RemovalPolicy, ResourceEnvironment, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct, Node } from 'constructs';
import { FunctionAlarms, FunctionAlarmsOptions } from './alarms';
import { ProvisionedConcurrencyScalingOptions } from './concurrency';
import { DeploymentOptions, TrafficShift } from './deployment';
import { ServiceInvokeOptions } from './invoke-permissions';
import { aliasMetric, errorRateExpression } from './private/alias-metrics';
import { bootstrapInCodeDirectory } from './private/bootstrap-check';
import { acknowledgeFailureDestinationFinding, configureDeadLetter, deadLetterStatement, deadLetterTargetArn, grantDeadLetterKey } from './private/dead-letter';
import { createDeploymentGroup } from './private/deployment-group';
import { InvalidPropertyError } from './private/errors';
import { acknowledgeKeyGrantFindings, attachUnscopablePolicies, createExecutionRole, dropRedundantRoleDependency, unscopableGrants } from './private/execution-role';
import { skipDefaultFunctionChecks } from './private/function-checkov';
import { checkAsyncInvokeOptions, validateFunctionProps } from './private/function-validation';
import { logGroupEncryptionKey, skipLogGroupKeyCheck } from './private/log-encryption';
import { configureProvisionedScaling } from './private/provisioned-scaling';
import { checkFunctionUrlInvokeMode, responseStreamingEnvironment } from './private/response-streaming';
import { checkServicePermission, scopeServiceToAccount, serviceInvokePrincipal } from './private/service-permissions';
import { checkStackResourceLimit } from './private/stack-resource-limit';
import { checkAccountId, checkOrganizationId } from './private/validation';
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

  /**
   * Whether the handler streams its response: the shell runtime then sends its stdout to the caller chunk by
   * chunk as it writes it (`LAMBDA_RESPONSE_MODE=streaming` in the function's environment), through
   * `InvokeWithResponseStream` or a function URL whose invoke mode is `RESPONSE_STREAM`, up to 20 MB. A failure
   * after the first byte ends the stream with the error. `addFunctionUrl` warns when the URL's invoke mode does
   * not match.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
   * @default false - the response is buffered (up to 6 MB); true when `environment` sets `LAMBDA_RESPONSE_MODE` to `streaming`
   */
  readonly responseStreaming?: boolean;
}

/**
 * A production-ready Lambda function on a custom runtime (`provided.al2023` by default).
 *
 * Out of the box it has: the built-in shell runtime as a layer; a new published version on every
 * change of code, configuration or runtime layer, behind an alias (`live`) that callers use;
 * an encrypted, TLS-only dead-letter queue; asynchronous invocation settings on the alias;
 * X-Ray active tracing; a log group with one month of retention; and a role with no AWS managed
 * policies whose log permissions are scoped to that log group.
 *
 * It is a `lambda.IFunction` that answers as its alias does: pass it to any integration that takes a function
 * (`LambdaIntegration`, `targets.LambdaFunction`, `tasks.LambdaInvoke`, `cr.Provider`, `s3n.LambdaDestination`, ...)
 * and the integration invokes the alias, never `$LATEST`.
 */
export class CustomRuntimeFunction extends Construct implements lambda.IFunction {
  /** The underlying function (`$LATEST`). Prefer `alias` for anything that invokes it. */
  public readonly function: lambda.Function;

  /** The version published for the current code and configuration. */
  public readonly version: lambda.IVersion;

  /** The alias callers invoke; it points at `version`. */
  public readonly alias: lambda.Alias;

  /**
   * The function's execution role: the one given as `role`, or the one this construct creates.
   *
   * @default - always set (optional only because `lambda.IFunction` declares it so)
   */
  public readonly role?: iam.IRole;

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

  /** Whether the handler streams its response (`responseStreaming`, or `LAMBDA_RESPONSE_MODE=streaming` in the environment). */
  public readonly responseStreaming: boolean;

  constructor(scope: Construct, id: string, props: CustomRuntimeFunctionProps) {
    super(scope, id);
    // A new version whenever the runtime layer or a version-locked property changes, whatever the app's flags.
    this.node.setContext(cxapi.LAMBDA_RECOGNIZE_VERSION_PROPS, true);
    this.node.setContext(cxapi.LAMBDA_RECOGNIZE_LAYER_VERSION, true);

    const runtime = props.runtime ?? lambda.Runtime.PROVIDED_AL2023;
    validateFunctionProps(this, props, runtime);
    const aliasName = props.aliasName ?? 'live';

    this.runtimeLayer = props.runtimeLayer ?? ShellRuntime.layer(this, props.architecture ?? lambda.Architecture.X86_64);
    const codeBootstrap = bootstrapInCodeDirectory(props.code);
    if (codeBootstrap) {
      Annotations.of(this).addWarningV2('cdk-custom-runtime:bootstrapInCode',
        `The function's code has a bootstrap at its root (${codeBootstrap}): Lambda runs /var/task/bootstrap, not the runtime layer's /opt/bootstrap, `
        + 'so that file replaces the runtime. Remove or rename it to use the runtime layer; acknowledge this warning if it is meant to be the runtime.');
    }
    const logEncryptionKey = logGroupEncryptionKey(this, props);
    this.logGroup = props.logGroup ? usersLogGroup(this, props.logGroup) : new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    if (!props.logGroup && !logEncryptionKey) {
      skipLogGroupKeyCheck(this.logGroup);
    }
    const deadLetter = configureDeadLetter(this, props);
    this.deadLetterQueue = deadLetter.queue;
    this.deadLetterTopic = deadLetter.topic;

    // Writing logs and sending failed events: on the role alone (a log group's ARN already ends in `:*`), never a resource policy.
    const delivery = [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      ...[deadLetterStatement(deadLetter)].flatMap(st => st ? [st] : []),
    ];
    const tracing = props.tracing ?? lambda.Tracing.ACTIVE;
    const unscopable = unscopableGrants(tracing, props.vpc !== undefined && props.role === undefined);
    const role = props.role ?? createExecutionRole(this, unscopable, delivery);
    this.role = role;
    this.grantPrincipal = role;
    if (props.role) {
      delivery.forEach(st => props.role!.addToPrincipalPolicy(st));
    }
    grantDeadLetterKey(role, deadLetter);

    const {
      logRetention, logRemovalPolicy, logGroup, logEncryptionKey: logKeyOfTheLogGroup, events, retryAttempts, maxEventAge, onSuccess, onFailure,
      deadLetterQueue, deadLetterQueueEnabled, deadLetterTopic, currentVersionOptions, layers,
      provisionedConcurrentExecutions, provisionedConcurrencyScaling, alarms, deployment, responseStreaming,
      tracing: tracingSetByRole, // applied by this.setTracingMode: aws-cdk-lib would add X-Ray to the default policy
      ...passThrough
    } = props;
    const timeout = props.timeout ?? Duration.seconds(30);
    const streaming = responseStreamingEnvironment(this, responseStreaming, props.environment);
    this.responseStreaming = streaming.streaming;
    this.function = new lambda.Function(this, 'Function', {
      ...passThrough,
      environment: streaming.environment,
      runtime,
      role,
      layers: [this.runtimeLayer, ...layers ?? []],
      memorySize: props.memorySize ?? 256,
      timeout,
      logGroup: this.logGroup,
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN, ...currentVersionOptions },
    });
    const targetArn = deadLetterTargetArn(deadLetter);
    if (targetArn) {
      // On the L1: aws-cdk-lib's deadLetterQueue would add its sqs:SendMessage to a default policy, one more resource.
      (this.function.node.defaultChild as lambda.CfnFunction).deadLetterConfig = { targetArn };
    }
    if (props.versionTrigger !== undefined) {
      this.function.invalidateVersionBasedOn(props.versionTrigger);
    }
    this.setTracingMode(tracing);
    dropRedundantRoleDependency(this.function);
    // (the environment the function gets: responseStreaming adds a variable)
    skipDefaultFunctionChecks(this.function, { ...props, environment: streaming.environment });
    if (props.role) {
      attachUnscopablePolicies(this, props.role, this.function, unscopable);
    }
    if (props.vpc && props.role) {
      Annotations.of(this).addWarningV2('cdk-custom-runtime:vpcRoleNotEquipped',
        'With your own role, the function\'s VPC network-interface permissions (ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, '
        + 'ec2:DescribeSubnets, ec2:DeleteNetworkInterface, ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses) are yours to grant.');
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
    if (!props.role && (onSuccess || onFailure)) {
      acknowledgeKeyGrantFindings(role);
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
      this.deploymentGroup = createDeploymentGroup(this, this.alias, deployment,
        (deployment.trafficShift ?? TrafficShift.CANARY_10PERCENT_5MINUTES)._bind(this), this.alarms?.rollbackAlarms ?? []);
    }
    checkStackResourceLimit(this, c => c instanceof CustomRuntimeFunction);
  }

  /**
   * The ARN callers invoke: the alias ARN (`<function ARN>:<alias name>`).
   *
   * Every aws-cdk-lib integration (API Gateway, EventBridge targets, Step Functions tasks, S3 notifications,
   * custom-resource providers) reads this, so they all reach the alias, never `$LATEST`.
   *
   * @attribute
   */
  public get functionArn(): string {
    return this.alias.functionArn;
  }

  /**
   * The alias's qualified function name, `<function name>:<alias name>`, which Lambda accepts wherever it takes a
   * function name. The bare name of the underlying function is `function.functionName`.
   *
   * @attribute
   */
  public get functionName(): string {
    return this.alias.functionName;
  }

  /** A reference to the alias, by its qualified name and ARN. */
  public get functionRef(): lambda.FunctionReference {
    return this.alias.functionRef;
  }

  /** The stack the function belongs to. */
  public get stack(): Stack {
    return Stack.of(this);
  }

  /** The account and region the function belongs to. */
  public get env(): ResourceEnvironment {
    return this.alias.env;
  }

  /** The construct node where permissions are attached: the alias's, since every permission names the alias. */
  public get permissionsNode(): Node {
    return this.alias.permissionsNode;
  }

  /** The ARNs `grantInvoke` puts in an IAM policy: the alias ARN alone. */
  public get resourceArnsForGrantInvoke(): string[] {
    return this.alias.resourceArnsForGrantInvoke;
  }

  /** The instruction set the function runs on. */
  public get architecture(): lambda.Architecture {
    return this.function.architecture;
  }

  /**
   * The function's tenancy configuration.
   *
   * @default - none: this construct sets no tenant isolation mode
   */
  public get tenancyConfig(): lambda.TenancyConfig | undefined {
    return this.function.tenancyConfig;
  }

  /** Whether the function runs in a VPC; `connections` is usable only then. */
  public get isBoundToVpc(): boolean {
    return this.function.isBoundToVpc;
  }

  /** The function's security groups, for `connections.allowTo(...)`. Throws unless the function has a `vpc`. */
  public get connections(): ec2.Connections {
    return this.function.connections;
  }

  /**
   * The `$LATEST` version of the underlying function, which bypasses the alias, its asynchronous settings, its
   * deployment and its alarms. Give callers the construct itself (the alias) instead.
   */
  public get latestVersion(): lambda.IVersion {
    return this.function.latestVersion;
  }

  /**
   * Applies a removal policy to the function and its alias. The published versions keep
   * `currentVersionOptions.removalPolicy` (retained by default) and the log group keeps `logRemovalPolicy`.
   *
   * @param policy what CloudFormation does with the resources when they leave the stack
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.function.applyRemovalPolicy(policy);
    this.alias.applyRemovalPolicy(policy);
  }

  /**
   * Adds a statement to the execution role's policy.
   *
   * @param statement the statement to add
   */
  public addToRolePolicy(statement: iam.PolicyStatement): void {
    this.function.addToRolePolicy(statement);
  }

  /**
   * Adds a permission to the alias's resource policy, as aws-lambda's `addPermission` does.
   *
   * Stricter for AWS services (confused-deputy protection): a service principal needs `sourceArn` or `sourceAccount`
   * (in the permission or in the principal's conditions), and `s3.amazonaws.com` needs `sourceAccount`. aws-cdk-lib's
   * integrations pass them; `grantInvoke` scopes a service to this stack's account instead.
   *
   * @param id a construct ID for the permission
   * @param permission the principal, the action (`lambda:InvokeFunction` by default) and its conditions
   */
  public addPermission(id: string, permission: lambda.Permission): void {
    checkServicePermission(this, 'addPermission', permission);
    this.alias.addPermission(id, permission);
  }

  /**
   * Lets a principal invoke the alias, as aws-lambda's `grantInvoke` does: an IAM identity gets
   * `lambda:InvokeFunction` on the alias ARN in its policy; an account, organization or AWS service that cannot
   * hold a policy gets a permission in the alias's resource policy. `lambda:InvokeFunction` also authorizes
   * `InvokeWithResponseStream`, so this is the grant for callers of a `responseStreaming` function too.
   *
   * Stricter for AWS services: their permission carries `SourceAccount` = this stack's account, unless the principal
   * already has an `aws:SourceArn` or `aws:SourceAccount` condition. To let a service act for another account, or for
   * one resource only, call `allowInvokeByService()` or `addPermission()` with `sourceArn`/`sourceAccount`.
   *
   * @param grantee the principal to allow
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.alias.grantInvoke(scopeServiceToAccount(this, grantee));
  }

  /**
   * Lets a principal invoke the alias's function URL (`lambda:InvokeFunctionUrl` with AWS_IAM auth, and
   * `lambda:InvokeFunction` through the URL), as aws-lambda's `grantInvokeUrl` does, with `grantInvoke`'s
   * account scope for AWS services.
   *
   * @param grantee the principal to allow
   */
  public grantInvokeUrl(grantee: iam.IGrantable): iam.Grant {
    return this.alias.grantInvokeUrl(scopeServiceToAccount(this, grantee));
  }

  /**
   * Lets each principal of a composite principal invoke the alias, as `grantInvoke` does for one.
   *
   * @param compositePrincipal the principals to allow
   */
  public grantInvokeCompositePrincipal(compositePrincipal: iam.CompositePrincipal): iam.Grant[] {
    return compositePrincipal.principals.map(principal => this.grantInvoke(principal));
  }

  /**
   * Lets a principal invoke one published version of the function directly, bypassing the alias: an IAM identity
   * gets `lambda:InvokeFunction` on the version's ARN, as with aws-lambda's `grantInvokeVersion`. An account,
   * organization or AWS service gets a permission in that version's resource policy (aws-lambda's would name the
   * unqualified function, which does not authorize a qualified Invoke), with `grantInvoke`'s account scope for
   * services. `$LATEST` is `grantInvokeLatestVersion`.
   *
   * @param grantee the principal to allow
   * @param version a version of this function, for example `version`
   */
  public grantInvokeVersion(grantee: iam.IGrantable, version: lambda.IVersion): iam.Grant {
    if (version.version === '$LATEST') {
      return this.grantInvokeLatestVersion(grantee);
    }
    return version.grantInvoke(scopeServiceToAccount(this, grantee));
  }

  /**
   * Lets a principal invoke `$LATEST` and the unqualified function, bypassing the alias, its deployment and its
   * alarms; records an acknowledgeable warning (`cdk-custom-runtime:latestVersionGrant`). Prefer `grantInvoke`.
   *
   * @param grantee the principal to allow
   */
  public grantInvokeLatestVersion(grantee: iam.IGrantable): iam.Grant {
    Annotations.of(this).addWarningV2('cdk-custom-runtime:latestVersionGrant',
      'grantInvokeLatestVersion() lets the grantee invoke $LATEST, which bypasses the alias, its asynchronous settings, its deployment and its alarms; '
      + 'use grantInvoke() for the alias.');
    return this.function.grantInvokeLatestVersion(scopeServiceToAccount(this, grantee));
  }

  /**
   * Lets an AWS service invoke the alias on behalf of one source resource or account.
   *
   * Refused without `sourceArn` or `sourceAccount` (confused-deputy protection), and for `s3.amazonaws.com`
   * without `sourceAccount`.
   *
   * @param id a construct ID for the permission, unique within this function
   * @param options the service principal and the source it acts for
   */
  public allowInvokeByService(id: string, options: ServiceInvokeOptions): void {
    const permission: lambda.Permission = {
      principal: serviceInvokePrincipal(this, options),
      action: 'lambda:InvokeFunction',
      sourceArn: options.sourceArn,
      sourceAccount: options.sourceAccount,
    };
    checkServicePermission(this, 'allowInvokeByService', permission);
    this.alias.addPermission(id, permission);
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
   * `invokeMode` should match `responseStreaming`: `InvokeMode.RESPONSE_STREAM` for a streaming handler; a mismatch
   * records an acknowledgeable warning (`cdk-custom-runtime:bufferedHandlerStreamingUrl`,
   * `cdk-custom-runtime:streamingHandlerBufferedUrl`).
   *
   * @param options the URL's settings (auth type, CORS, invoke mode)
   */
  public addFunctionUrl(options: lambda.FunctionUrlOptions = {}): lambda.FunctionUrl {
    const authType = options.authType ?? lambda.FunctionUrlAuthType.AWS_IAM;
    if (authType === lambda.FunctionUrlAuthType.NONE) {
      Annotations.of(this).addWarningV2('cdk-custom-runtime:publicFunctionUrl',
        'The function URL has auth type NONE: anyone on the internet can invoke the function. Use AWS_IAM unless the function authenticates callers itself.');
    }
    checkFunctionUrlInvokeMode(this, this.responseStreaming, options.invokeMode);
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
   * Adds an event source mapping to the alias, so that records reach the published version.
   *
   * @param id a construct ID for the mapping
   * @param options the source's ARN, batching and other mapping options
   */
  public addEventSourceMapping(id: string, options: lambda.EventSourceMappingOptions): lambda.EventSourceMapping {
    return this.alias.addEventSourceMapping(id, options);
  }

  /**
   * Sets the alias's asynchronous invocation settings, where the props `retryAttempts`, `maxEventAge`, `onSuccess`
   * and `onFailure` would have put them. Refused when the props already set them: the alias has one configuration.
   *
   * @param options retries, maximum event age and destinations, within Lambda's ranges
   */
  public configureAsyncInvoke(options: lambda.EventInvokeConfigOptions): void {
    if (this.alias.node.tryFindChild('EventInvokeConfig')) {
      throw new InvalidPropertyError(this, 'configureAsyncInvoke: the alias already has asynchronous invocation settings '
        + '(retryAttempts, maxEventAge, onSuccess or onFailure in the props, or an earlier configureAsyncInvoke call); set them in one place');
    }
    checkAsyncInvokeOptions(this, options);
    this.alias.configureAsyncInvoke(options);
    const createdRole = this.node.tryFindChild('ServiceRole');
    if ((options.onSuccess || options.onFailure) && createdRole instanceof iam.Role) {
      acknowledgeKeyGrantFindings(createdRole);
    }
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

  /**
   * Turns on X-Ray tracing on the function. aws-cdk-lib's `tracing` prop would also add X-Ray with `Resource: *`
   * to the role's default policy; the role gets that permission from `unscopableGrants` instead.
   */
  private setTracingMode(tracing: lambda.Tracing): void {
    if (tracing === lambda.Tracing.DISABLED) { return; }
    (this.function.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: tracing };
  }
}

/**
 * The user's log group as an `ILogGroup`: itself when it is one (a `LogGroup` or an import), else an import by name.
 * Its ARN already ends in `:*` (which also covers its log streams): re-importing a `LogGroup`'s `Arn` by ARN would double it.
 */
function usersLogGroup(scope: Construct, given: NonNullable<CustomRuntimeFunctionProps['logGroup']>): logs.ILogGroup {
  const asLogGroup = given as logs.ILogGroup;
  return typeof asLogGroup.grantWrite === 'function' && asLogGroup.logGroupArn !== undefined
    ? asLogGroup
    : logs.LogGroup.fromLogGroupName(scope, 'ImportedLogGroup', given.logGroupRef.logGroupName);
}
