/**
 * The apps the synth table compares: fully featured `CustomRuntimeFunction`s (the compiled library,
 * lib/, as users load it), and the same features hand-wired with plain aws-cdk-lib.
 *
 * "Fully featured" is what `CustomRuntimeFunction` gives by default plus asynchronous settings on
 * the alias (so it has an EventInvokeConfig) and one invoke permission:
 * the function on provided.al2023 (256 MB, 30 s, X-Ray active), the shell runtime layer from
 * runtime/shell (one per stack), its current version (retained), the alias `live` with
 * retryAttempts 1 and maxEventAge 1 h, an SQS dead-letter queue (SSE-SQS, TLS only, 14 days), a log
 * group (one month, retained), a role with no managed policy whose log permissions are scoped to
 * that log group, and `lambda:InvokeFunction` on the alias for events.amazonaws.com from one account.
 */
import * as path from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { CustomRuntimeFunction } from '../lib';

const REPO_ROOT = path.join(__dirname, '..');
/** The handler code of every function: one directory, so one code asset per app. */
const CODE_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'runtime');
const HANDLER = 'echo.trivial';
const RUNTIME_DIR = path.join(REPO_ROOT, 'runtime', 'shell');
const SOURCE_ACCOUNT = '123456789012';

export interface Variant {
  readonly key: 'ours' | 'oursNoAlarms' | 'handWired';
  readonly label: string;
  /** Adds one function (and, on first use in its stack, what the stack shares: the runtime layer). */
  readonly addFunction: (stack: Stack, id: string, options: FunctionOptions) => void;
}

export interface FunctionOptions {
  /** The one `AWS::Lambda::Permission`. @default true */
  readonly invokePermission?: boolean;
  /** `retryAttempts` and `maxEventAge` on the alias (an `EventInvokeConfig`). @default true */
  readonly asyncSettings?: boolean;
  /** Ours only: `deadLetterQueueEnabled: false` when false. @default true */
  readonly deadLetterQueue?: boolean;
}

export const OURS: Variant = {
  key: 'ours',
  label: 'ours (CustomRuntimeFunction, alarms on: the default)',
  addFunction: (stack, id, options) => addOurs(stack, id, true, options),
};

export const OURS_NO_ALARMS: Variant = {
  key: 'oursNoAlarms',
  label: 'ours, `alarms: { enabled: false }`',
  addFunction: (stack, id, options) => addOurs(stack, id, false, options),
};

export const HAND_WIRED: Variant = {
  key: 'handWired',
  label: 'hand-wired aws-cdk-lib (no alarms)',
  addFunction: addHandWired,
};

export const VARIANTS: readonly Variant[] = [OURS, OURS_NO_ALARMS, HAND_WIRED];

/**
 * An app with the context the CDK CLI gives `cdk synth` by default (path and asset metadata,
 * version reporting, bundling of every stack). `resourceLimit: false` turns off aws-cdk-lib's
 * 500-resources-per-stack check, to time a stack that could not be deployed.
 */
export function newApp(outdir: string, resourceLimit: boolean = true): App {
  return new App({
    outdir,
    context: {
      [cxapi.PATH_METADATA_ENABLE_CONTEXT]: true,
      [cxapi.ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true,
      [cxapi.ANALYTICS_REPORTING_ENABLED_CONTEXT]: true,
      [cxapi.BUNDLING_STACKS]: ['**'],
      ...resourceLimit ? {} : { '@aws-cdk/core:stackResourceLimit': 0 },
    },
  });
}

/** Adds `count` functions of `variant`, spread evenly over `stacks` stacks. */
export function buildApp(app: App, variant: Variant, count: number, stacks: number = 1, options: FunctionOptions = {}): void {
  for (let s = 0; s < stacks; s++) {
    const stack = new Stack(app, stacks === 1 ? 'Bench' : `Bench${s + 1}`);
    const first = Math.floor((s * count) / stacks);
    const end = Math.floor(((s + 1) * count) / stacks);
    for (let i = first; i < end; i++) {
      variant.addFunction(stack, `Fn${i + 1}`, options);
    }
  }
}

function addOurs(stack: Stack, id: string, alarms: boolean, options: FunctionOptions): void {
  const asyncSettings = options.asyncSettings ?? true;
  const fn = new CustomRuntimeFunction(stack, id, {
    code: lambda.Code.fromAsset(CODE_DIR),
    handler: HANDLER,
    retryAttempts: asyncSettings ? 1 : undefined,
    maxEventAge: asyncSettings ? Duration.hours(1) : undefined,
    deadLetterQueueEnabled: options.deadLetterQueue === false ? false : undefined,
    alarms: alarms ? undefined : { enabled: false },
  });
  if (options.invokePermission ?? true) {
    fn.allowInvokeByService('Events', { principal: new iam.ServicePrincipal('events.amazonaws.com'), sourceAccount: SOURCE_ACCOUNT });
  }
}

/** The same function, wired by hand; construct ids follow ours, so logical ids are as long. */
function addHandWired(stack: Stack, id: string, options: FunctionOptions): void {
  const scope = new Construct(stack, id);
  // As CustomRuntimeFunction does: a new version whenever the layer or a version-locked property changes.
  scope.node.setContext(cxapi.LAMBDA_RECOGNIZE_VERSION_PROPS, true);
  scope.node.setContext(cxapi.LAMBDA_RECOGNIZE_LAYER_VERSION, true);

  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
  const role = new iam.Role(scope, 'ServiceRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${scope.node.path}`,
  });
  logGroup.grant(role, 'logs:CreateLogStream', 'logs:PutLogEvents');
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const fn = new lambda.Function(scope, 'Function', {
    runtime: lambda.Runtime.PROVIDED_AL2023,
    handler: HANDLER,
    code: lambda.Code.fromAsset(CODE_DIR),
    layers: [shellRuntimeLayer(stack)],
    role,
    memorySize: 256,
    timeout: Duration.seconds(30),
    logGroup,
    deadLetterQueue,
    tracing: lambda.Tracing.ACTIVE,
    currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
  });
  const alias = new lambda.Alias(scope, 'Alias', {
    aliasName: 'live',
    version: fn.currentVersion,
    retryAttempts: 1,
    maxEventAge: Duration.hours(1),
  });
  if (options.invokePermission ?? true) {
    alias.addPermission('Events', {
      principal: new iam.ServicePrincipal('events.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: SOURCE_ACCOUNT,
    });
  }
}

/** One layer per stack from runtime/shell, with what the library's layer has (docs left out, retained). */
function shellRuntimeLayer(stack: Stack): lambda.ILayerVersion {
  const existing = stack.node.tryFindChild('ShellRuntime') as lambda.ILayerVersion | undefined;
  return existing ?? new lambda.LayerVersion(stack, 'ShellRuntime', {
    code: lambda.Code.fromAsset(RUNTIME_DIR, { exclude: ['*.md'] }),
    compatibleRuntimes: [lambda.Runtime.PROVIDED_AL2023, lambda.Runtime.PROVIDED_AL2],
    compatibleArchitectures: [lambda.Architecture.X86_64],
    description: 'shell runtime (bash + curl) for provided.al2023 and provided.al2, x86_64',
    license: 'Apache-2.0',
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
