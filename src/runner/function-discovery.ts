/**
 * Function discovery: the `AWS::Lambda::Function` resources of one stack with
 * everything the runner needs to run them, their versions, aliases and
 * per-qualifier asynchronous invocation settings, and Lambda's defaults for
 * what the template leaves unset.
 */
import { StackInfo } from './assembly-manifest';
import { AssetOrError, assetOf } from './assets';
import { evaluate, evaluateString, referencedLogicalId } from './intrinsics';
import {
  DEFAULT_MAX_EVENT_AGE_SECONDS, DEFAULT_MAX_RETRY_ATTEMPTS, DEFAULT_MEMORY_SIZE, DEFAULT_TIMEOUT_SECONDS,
} from './lambda-limits';
import { LayerInfo, layerOf } from './layers';
import { lambdaArn, StackContext } from './stack-context';

/** A published version: `AWS::Lambda::Version`, numbered 1..n in template order. */
export interface VersionInfo {
  readonly logicalId: string;
  readonly number: string;
}

/** An alias: `AWS::Lambda::Alias`. */
export interface AliasInfo {
  readonly logicalId: string;
  readonly name: string;
  /** `$LATEST` or a version number; `undefined` when it cannot be resolved locally. */
  readonly functionVersion?: string;
}

/** `AWS::Lambda::EventInvokeConfig` of one qualifier, with Lambda's defaults filled in. */
export interface AsyncConfig {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeInSeconds: number;
  /** `DestinationConfig.OnSuccess.Destination`. */
  readonly onSuccess?: DestinationInfo;
  /** `DestinationConfig.OnFailure.Destination`. */
  readonly onFailure?: DestinationInfo;
}

/** An asynchronous invocation's destination: a resource of the stack, or an ARN. */
export interface DestinationInfo {
  /** The logical ID of the queue, topic, bus or function, when the destination refers to a resource of the stack. */
  readonly logicalId?: string;
  /** Its resource type, e.g. `AWS::SQS::Queue`, `AWS::Lambda::Function`. */
  readonly resourceType?: string;
  /** The ARN, when it resolves locally. */
  readonly arn?: string;
}

/** Lambda's asynchronous invocation settings of a qualifier without an `EventInvokeConfig`. */
export const DEFAULT_ASYNC_CONFIG: AsyncConfig = {
  maximumRetryAttempts: DEFAULT_MAX_RETRY_ATTEMPTS,
  maximumEventAgeInSeconds: DEFAULT_MAX_EVENT_AGE_SECONDS,
};

/** An `AWS::Lambda::Function` of the assembly. */
export interface FunctionInfo {
  readonly stack: StackInfo;
  readonly logicalId: string;
  /** Construct path of the `AWS::Lambda::Function` resource, e.g. `MyStack/MyFn/Resource`; `undefined` when unknown. */
  readonly constructPath?: string;
  /** `FunctionName` when set literally, else a local stand-in for the name CloudFormation would generate. */
  readonly functionName: string;
  /** Whether `FunctionName` was set literally. */
  readonly hasExplicitName: boolean;
  readonly runtime?: string;
  readonly handler?: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly architectures: string[];
  /** `Active` or `PassThrough`. */
  readonly tracingMode: string;
  /** `Environment.Variables`, unevaluated. */
  readonly environment: Record<string, unknown>;
  readonly code: AssetOrError;
  readonly layers: LayerInfo[];
  /** Whether the function has a `DeadLetterConfig` with a target. */
  readonly hasDeadLetterQueue: boolean;
  /** `ReservedConcurrentExecutions`, when set. */
  readonly reservedConcurrency?: number;
  readonly versions: VersionInfo[];
  readonly aliases: AliasInfo[];
  /** By qualifier (`$LATEST`, a version number or an alias name). */
  readonly asyncConfigs: ReadonlyMap<string, AsyncConfig>;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>`. */
export function functionArn(fn: FunctionInfo): string {
  return lambdaArn(fn.stack, fn.functionName);
}

/** How to name a function in messages: its construct path, else stack and logical ID. */
export function describe(fn: FunctionInfo): string {
  return fn.constructPath ?? `${fn.stack.displayName}/${fn.logicalId}`;
}

/** The functions of `stack`, in template order; `allStacks` is where imported layers are looked for. */
export function discoverFunctions(stack: StackInfo, allStacks: StackInfo[]): FunctionInfo[] {
  const resources = stack.template.Resources ?? {};
  const ctx = new StackContext(stack);
  const fnIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Function');

  // Names first: everything else refers to them.
  const names = new Map<string, { name: string; explicit: boolean }>();
  for (const id of fnIds) {
    const explicit = evaluateString(resources[id].Properties?.FunctionName, ctx);
    const name = explicit ?? `${stack.stackName}-${id}`.slice(0, 64);
    names.set(id, { name, explicit: explicit !== undefined });
    ctx.setFunctionName(id, name);
  }
  const refersTo = (value: unknown, fnId: string): boolean => {
    if (referencedLogicalId(value) === fnId) {
      return true;
    }
    const s = evaluateString(value, ctx);
    const name = names.get(fnId)!.name;
    return s !== undefined && (s === name || s === ctx.getAtt(fnId, 'Arn'));
  };

  // Versions, numbered per function in template order.
  const versions = new Map<string, VersionInfo[]>(fnIds.map((id) => [id, []]));
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Version') {
      continue;
    }
    const fnId = fnIds.find((f) => refersTo(resource.Properties?.FunctionName, f));
    if (fnId) {
      const list = versions.get(fnId)!;
      const v = { logicalId: id, number: String(list.length + 1) };
      list.push(v);
      ctx.setVersion(id, fnId, v.number);
    }
  }

  return fnIds.map((id): FunctionInfo => {
    const resource = resources[id];
    const props = resource.Properties ?? {};
    const cdkPath = resource.Metadata?.['aws:cdk:path'];
    const aliases: AliasInfo[] = [];
    const asyncConfigs = new Map<string, AsyncConfig>();
    for (const [otherId, other] of Object.entries(resources)) {
      const p = other.Properties ?? {};
      if (other.Type === 'AWS::Lambda::Alias' && refersTo(p.FunctionName, id)) {
        const aliasName = evaluateString(p.Name, ctx);
        if (aliasName !== undefined) {
          aliases.push({ logicalId: otherId, name: aliasName, functionVersion: evaluateString(p.FunctionVersion, ctx) });
        }
      } else if (other.Type === 'AWS::Lambda::EventInvokeConfig' && refersTo(p.FunctionName, id)) {
        const qualifier = evaluateString(p.Qualifier, ctx);
        if (qualifier !== undefined) {
          const retries = Number(evaluateString(p.MaximumRetryAttempts, ctx));
          const age = Number(evaluateString(p.MaximumEventAgeInSeconds, ctx));
          const destinations = p.DestinationConfig as { OnSuccess?: { Destination?: unknown }; OnFailure?: { Destination?: unknown } } | undefined;
          const destination = (value: unknown): DestinationInfo | undefined => {
            if (value === undefined) {
              return undefined;
            }
            const ref = referencedLogicalId(value);
            return { logicalId: ref, resourceType: ref === undefined ? undefined : resources[ref]?.Type, arn: evaluateString(value, ctx) };
          };
          asyncConfigs.set(qualifier, {
            maximumRetryAttempts: Number.isInteger(retries) ? retries : DEFAULT_MAX_RETRY_ATTEMPTS,
            maximumEventAgeInSeconds: Number.isInteger(age) && age > 0 ? age : DEFAULT_MAX_EVENT_AGE_SECONDS,
            onSuccess: destination(destinations?.OnSuccess?.Destination),
            onFailure: destination(destinations?.OnFailure?.Destination),
          });
        }
      }
    }
    const env = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const archs = evaluate(props.Architectures, ctx);
    const dlq = props.DeadLetterConfig as { TargetArn?: unknown } | undefined;
    return {
      stack,
      logicalId: id,
      constructPath: typeof cdkPath === 'string' ? cdkPath.replace(/^\//, '') : stack.constructPaths.get(id),
      functionName: names.get(id)!.name,
      hasExplicitName: names.get(id)!.explicit,
      runtime: evaluateString(props.Runtime, ctx),
      handler: evaluateString(props.Handler, ctx),
      timeoutSeconds: positiveNumber(evaluateString(props.Timeout, ctx), DEFAULT_TIMEOUT_SECONDS),
      memorySize: positiveNumber(evaluateString(props.MemorySize, ctx), DEFAULT_MEMORY_SIZE),
      architectures: Array.isArray(archs) ? archs.filter((a): a is string => typeof a === 'string') : ['x86_64'],
      tracingMode: evaluateString((props.TracingConfig as { Mode?: unknown } | undefined)?.Mode, ctx) ?? 'PassThrough',
      environment: { ...env },
      code: assetOf(stack, resource, 'Code', ctx),
      layers: (Array.isArray(props.Layers) ? props.Layers : []).map((entry) => layerOf(stack, entry, ctx, allStacks)),
      hasDeadLetterQueue: dlq?.TargetArn !== undefined && dlq.TargetArn !== '',
      reservedConcurrency: nonNegativeInteger(evaluateString(props.ReservedConcurrentExecutions, ctx)),
      versions: versions.get(id)!,
      aliases,
      asyncConfigs,
    };
  });
}

function nonNegativeInteger(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function positiveNumber(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}
