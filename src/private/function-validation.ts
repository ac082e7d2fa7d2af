import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkProvisionedScaling } from './concurrency-validation';
import { checkConflictingProps, CombinedProps } from './conflicting-props';
import { CUSTOM_RUNTIMES } from './custom-runtimes';
import { InvalidPropertyError } from './errors';
import { checkDuration, checkPattern, checkRange, checkSizeMiB } from './validation';
import type { ProvisionedConcurrencyScalingOptions } from '../concurrency';

/** Lambda's limits, from the Lambda developer guide ("Lambda quotas"). */
export const LIMITS = {
  memoryMiB: { min: 128, max: 10_240 },
  ephemeralStorageMiB: { min: 512, max: 10_240 },
  timeout: { min: Duration.seconds(1), max: Duration.minutes(15) },
  retryAttempts: { min: 0, max: 2 },
  maxEventAge: { min: Duration.seconds(60), max: Duration.hours(6) },
  layers: 5,
  environmentBytes: 4096,
  handlerLength: 128,
};

/**
 * What the validation reads of `CustomRuntimeFunctionProps`, declared here so that this module needs nothing from the
 * public module that calls it (no import cycle, not even of types).
 */
export interface ValidatedFunctionProps extends CombinedProps {
  readonly handler: string;
  readonly aliasName?: string;
  readonly provisionedConcurrentExecutions?: number;
  readonly provisionedConcurrencyScaling?: ProvisionedConcurrencyScalingOptions;
}

const SECRET_LOOKING_NAME = /(SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|TOKEN|CREDENTIAL)/i;

/**
 * Refuses, at synth and with the construct path, every property Lambda would refuse at deploy time.
 * Unresolved tokens are skipped, never guessed.
 */
export function validateFunctionProps(scope: Construct, props: ValidatedFunctionProps, runtime: lambda.Runtime): void {
  if (!CUSTOM_RUNTIMES.some(r => r.runtimeEquals(runtime))) {
    throw new InvalidPropertyError(scope,
      `runtime must be one of ${CUSTOM_RUNTIMES.map(r => r.name).join(', ')}, got ${runtime.name} (this construct runs a custom runtime's bootstrap)`);
  }
  checkPattern(scope, 'handler', props.handler, /^(?=.{3,128}$)(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_.\/-]*\.[A-Za-z_][A-Za-z0-9_-]*$/,
    `must have the form file.function (file: letters, digits, "_", "-", "." and "/", no ".." part; function: a letter or "_", then letters, digits, "_" or "-"; at most ${LIMITS.handlerLength} characters)`);
  checkAliasName(scope, props.aliasName);
  checkRange(scope, 'memorySize', props.memorySize, LIMITS.memoryMiB.min, LIMITS.memoryMiB.max, ' MB');
  checkSizeMiB(scope, 'ephemeralStorageSize', props.ephemeralStorageSize, LIMITS.ephemeralStorageMiB.min, LIMITS.ephemeralStorageMiB.max);
  checkDuration(scope, 'timeout', props.timeout, LIMITS.timeout.min, LIMITS.timeout.max);
  checkAsyncInvokeOptions(scope, props);
  checkConcurrency(scope, props);
  checkLayerCount(scope, props.layers);
  checkEnvironment(scope, props.environment);
  checkConflictingProps(scope, props);
}

/** Refuses asynchronous invocation settings outside Lambda's ranges. */
export function checkAsyncInvokeOptions(scope: Construct, options: lambda.EventInvokeConfigOptions): void {
  checkRange(scope, 'retryAttempts', options.retryAttempts, LIMITS.retryAttempts.min, LIMITS.retryAttempts.max);
  checkDuration(scope, 'maxEventAge', options.maxEventAge, LIMITS.maxEventAge.min, LIMITS.maxEventAge.max);
}

/**
 * Alias names follow the Invoke API's `Qualifier` rules, minus what would read as a version:
 * `$LATEST` and plain numbers.
 */
export function checkAliasName(scope: Construct, aliasName: string | undefined): void {
  checkPattern(scope, 'aliasName', aliasName, /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/,
    'must be 1 to 128 letters, digits, "-" or "_", and not a number or $LATEST (those name versions)');
}

function checkConcurrency(scope: Construct, props: ValidatedFunctionProps): void {
  checkRange(scope, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions, 0, 1_000_000);
  checkRange(scope, 'provisionedConcurrentExecutions', props.provisionedConcurrentExecutions, 1, 1_000_000);
  const reserved = props.reservedConcurrentExecutions;
  const provisioned = props.provisionedConcurrentExecutions;
  if (reserved === 0) {
    Annotations.of(scope).addWarningV2('cdk-custom-runtime:reservedConcurrencyZero',
      'reservedConcurrentExecutions is 0: the function is stopped and every invocation is throttled.');
  }
  const bothKnown = reserved !== undefined && provisioned !== undefined && !Token.isUnresolved(reserved) && !Token.isUnresolved(provisioned);
  if (bothKnown && provisioned > reserved) {
    throw new InvalidPropertyError(scope,
      `provisionedConcurrentExecutions must be between 1 and reservedConcurrentExecutions (${reserved}), got ${provisioned}`);
  }
  checkProvisionedScaling(scope, props.provisionedConcurrencyScaling, reserved, provisioned);
}

function checkLayerCount(scope: Construct, layers: lambda.ILayerVersion[] | undefined): void {
  const total = 1 + (layers?.length ?? 0);
  if (total > LIMITS.layers) {
    throw new InvalidPropertyError(scope,
      `layers: a function can use at most ${LIMITS.layers} layers including the runtime layer, so at most ${LIMITS.layers - 1} more, got ${layers!.length} (${total} in total)`);
  }
}

function checkEnvironment(scope: Construct, environment: { [key: string]: string } | undefined): void {
  if (!environment) { return; }
  let bytes = 0;
  for (const [name, value] of Object.entries(environment)) {
    checkPattern(scope, 'environment', name, /^[a-zA-Z]\w+$/, 'variable names must be a letter followed by one or more letters, digits or "_"');
    if (SECRET_LOOKING_NAME.test(name)) {
      Annotations.of(scope).addWarningV2('cdk-custom-runtime:secretInEnvironment',
        `Environment variable ${name} looks like a secret. Environment variables are readable by anyone allowed lambda:GetFunctionConfiguration; read secrets from AWS Secrets Manager or Parameter Store at run time.`);
    }
    if (Token.isUnresolved(value)) { continue; }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  if (bytes > LIMITS.environmentBytes) {
    throw new InvalidPropertyError(scope,
      `environment must total at most ${LIMITS.environmentBytes} bytes (names and values), got ${bytes} bytes in the variables whose values are known at synth`);
  }
}
