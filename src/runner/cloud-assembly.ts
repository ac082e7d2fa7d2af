/**
 * Reads the Lambda functions of a synthesized CDK app (a cloud assembly,
 * `cdk.out`): their configuration, code and layer assets, versions, aliases
 * and asynchronous invocation settings, as far as they can be known without
 * deploying.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeError, LocalRunnerError, resourceNotFound } from './errors';
import { evaluate, evaluateString, IntrinsicContext, referencedLogicalId } from './intrinsics';

/** Region used in ARNs and `AWS_REGION` when neither the stack nor the caller sets one. */
export const DEFAULT_REGION = 'us-east-1';
/** Account used in ARNs when the stack is environment-agnostic. */
export const DEFAULT_ACCOUNT = '123456789012';

/** Lambda's defaults for unset properties. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_SIZE = 128;
/** Lambda's own defaults for asynchronous invocation. */
export const DEFAULT_MAX_RETRY_ATTEMPTS = 2;
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 6 * 60 * 60;

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>;
}

/** A directory or zip file holding a deployment package or layer content. */
export interface AssetLocation {
  /** Absolute path. */
  readonly path: string;
  /** `directory` for an already unpacked asset (the usual case), `zip` for a zip file asset. */
  readonly packaging: 'directory' | 'zip';
}

/** A deployment package that can be found locally, or why not. */
export type AssetOrError = { readonly asset: AssetLocation } | { readonly error: string };

/** One stack of the assembly (or of a nested assembly, or a nested stack). */
export interface StackInfo {
  /** The artifact ID in `manifest.json`, e.g. `BetaS9E395E0A`. */
  readonly artifactId: string;
  /** The stack's construct path, e.g. `Beta/MyStack`. */
  readonly displayName: string;
  readonly stackName: string;
  /** Directory the stack's relative asset paths start from. */
  readonly directory: string;
  readonly template: CfnTemplate;
  readonly region: string;
  readonly account: string;
  /** Construct paths by logical ID, from the `aws:cdk:logicalId` metadata (for resources without `aws:cdk:path`). */
  readonly constructPaths: ReadonlyMap<string, string>;
}

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

/** A layer of a function, in the order of the function's `Layers`. */
export interface LayerInfo {
  /** What the function's `Layers` entry says, for messages. */
  readonly description: string;
  readonly content: AssetOrError;
}

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

/** A function and the qualifier an invocation asked for. */
export interface ResolvedTarget {
  readonly fn: FunctionInfo;
  /** What the caller asked for: `$LATEST` when unqualified, else the version or alias name. */
  readonly qualifier: string;
  /** Whether the caller gave a qualifier (`$LATEST` included). */
  readonly qualified: boolean;
  /** The version that runs: `$LATEST` or a number (an alias resolves to its version). */
  readonly executedVersion: string;
  /** The function's ARN as invoked (with the qualifier when one was given). */
  readonly invokedArn: string;
  /** The settings for `Event` invocations of this qualifier. */
  readonly asyncConfig: AsyncConfig;
}

export interface CloudAssemblyOptions {
  /** Region for environment-agnostic stacks. @default us-east-1 */
  readonly region?: string;
  /** Account for environment-agnostic stacks. @default 123456789012 */
  readonly account?: string;
}

/** The functions of a cloud assembly directory (`cdk.out`). */
export class CloudAssembly {
  /** Reads `<directory>/manifest.json`, nested assemblies (stages) and nested stacks included. */
  public static load(directory: string, options: CloudAssemblyOptions = {}): CloudAssembly {
    const root = path.resolve(directory);
    const manifestFile = path.join(root, 'manifest.json');
    if (!fs.existsSync(manifestFile)) {
      throw new LocalRunnerError(`${root} is not a cloud assembly: ${manifestFile} not found (run \`cdk synth\` first)`);
    }
    const stacks: StackInfo[] = [];
    readAssembly(root, '', options, stacks, new Set());
    return new CloudAssembly(root, stacks);
  }

  /** Every function, in manifest and template order. */
  public readonly functions: FunctionInfo[];

  private constructor(public readonly directory: string, public readonly stacks: StackInfo[]) {
    this.functions = stacks.flatMap((stack) => readFunctions(stack, stacks));
  }

  /**
   * Finds a function by logical ID, construct path (with or without the trailing `/Resource`, or
   * the path of an enclosing construct when only one function is under it), `FunctionName`, or ARN;
   * a `name:qualifier` suffix is split off. Without a name, the assembly must hold exactly one function.
   */
  public findFunction(name?: string): { fn: FunctionInfo; qualifierInName?: string } {
    if (name === undefined || name === '') {
      if (this.functions.length === 1) {
        return { fn: this.functions[0] };
      }
      throw resourceNotFound(this.functions.length === 0
        ? `The cloud assembly in ${this.directory} holds no AWS::Lambda::Function`
        : `The cloud assembly holds ${this.functions.length} functions: give a function name. ${this.candidates(this.functions)}`);
    }
    const { bareName, qualifier } = splitFunctionName(name);
    const normalized = bareName.replace(/^\/+/, '').replace(/\/+$/, '');

    // Construct paths match in full or relative to the stack (`MyFn` in stack `MyStack`), with or without `/Resource`.
    const pathsOf = (fn: FunctionInfo): string[] => fn.constructPath === undefined ? [`${fn.stack.displayName}/${fn.logicalId}`]
      : [fn.constructPath, fn.constructPath.slice(fn.stack.displayName.length + 1)].filter((p) => p !== '');
    const exact = this.functions.filter((fn) =>
      fn.logicalId === bareName
      || fn.functionName === bareName
      || `${fn.stack.displayName}/${fn.logicalId}` === normalized
      || pathsOf(fn).some((p) => p === normalized || p === `${normalized}/Resource`));
    if (exact.length === 1) {
      return { fn: exact[0], qualifierInName: qualifier };
    }
    if (exact.length > 1) {
      throw resourceNotFound(`Function name '${bareName}' is ambiguous: it matches ${exact.length} functions. ${this.candidates(exact)}`);
    }
    const enclosed = this.functions.filter((fn) => pathsOf(fn).some((p) => p.startsWith(`${normalized}/`)));
    if (enclosed.length === 1) {
      return { fn: enclosed[0], qualifierInName: qualifier };
    }
    if (enclosed.length > 1) {
      throw resourceNotFound(`Function name '${bareName}' is ambiguous: ${enclosed.length} functions are under that construct path. ${this.candidates(enclosed)}`);
    }
    throw resourceNotFound(`Function not found: ${arnOf(this.functions[0]?.stack, bareName)}. ${this.candidates(this.functions)}`);
  }

  /**
   * Resolves a function name and qualifier as the Invoke API does.
   * @throws InvokeError ResourceNotFoundException for an unknown function or qualifier
   */
  public resolve(functionName: string | undefined, qualifier: string | undefined): ResolvedTarget {
    const { fn, qualifierInName } = this.findFunction(functionName);
    if (qualifier !== undefined && qualifierInName !== undefined && qualifier !== qualifierInName) {
      throw new InvokeError('InvalidParameterValueException',
        `The derived qualifier from the function name does not match the specified qualifier (${qualifierInName} vs ${qualifier}).`);
    }
    const q = qualifier ?? qualifierInName;
    if (q !== undefined && !/^[a-zA-Z0-9$_-]+$/.test(q)) {
      throw new InvokeError('InvalidParameterValueException',
        `1 validation error detected: Value '${q}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`);
    }
    const qualified = q !== undefined;
    const name = q ?? '$LATEST';
    let executedVersion: string | undefined;
    if (name === '$LATEST') {
      executedVersion = '$LATEST';
    } else if (/^[0-9]+$/.test(name)) {
      executedVersion = fn.versions.find((v) => v.number === name)?.number;
    } else {
      const alias = fn.aliases.find((a) => a.name === name);
      if (alias && alias.functionVersion === undefined) {
        throw new LocalRunnerError(`Alias ${name} of ${describe(fn)}: its FunctionVersion cannot be resolved from the template`);
      }
      executedVersion = alias?.functionVersion;
    }
    if (executedVersion === undefined) {
      const known = ['$LATEST', ...fn.versions.map((v) => v.number), ...fn.aliases.map((a) => a.name)];
      throw resourceNotFound(`Function not found: ${functionArn(fn)}:${name}. Qualifiers of ${describe(fn)} in the cloud assembly: ${known.join(', ')}`);
    }
    const config = fn.asyncConfigs.get(name);
    return {
      fn,
      qualifier: name,
      qualified,
      executedVersion,
      invokedArn: qualified ? `${functionArn(fn)}:${name}` : functionArn(fn),
      asyncConfig: config ?? { maximumRetryAttempts: DEFAULT_MAX_RETRY_ATTEMPTS, maximumEventAgeInSeconds: DEFAULT_MAX_EVENT_AGE_SECONDS },
    };
  }

  private candidates(fns: FunctionInfo[]): string {
    if (fns.length === 0) {
      return 'The cloud assembly holds no functions.';
    }
    const list = fns.slice(0, 20).map((fn) => `${fn.logicalId} (${fn.constructPath ?? fn.stack.displayName + '/' + fn.logicalId}${fn.hasExplicitName ? ', FunctionName ' + fn.functionName : ''})`);
    return `Candidates: ${list.join(', ')}${fns.length > 20 ? ', ...' : ''}`;
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>`. */
export function functionArn(fn: FunctionInfo): string {
  return arnOf(fn.stack, fn.functionName);
}

/** How to name a function in messages: its construct path, else stack and logical ID. */
export function describe(fn: FunctionInfo): string {
  return fn.constructPath ?? `${fn.stack.displayName}/${fn.logicalId}`;
}

function arnOf(stack: StackInfo | undefined, name: string): string {
  return `arn:aws:lambda:${stack?.region ?? DEFAULT_REGION}:${stack?.account ?? DEFAULT_ACCOUNT}:function:${name}`;
}

/** Splits `arn:...:function:name[:qualifier]`, `account:function:name[:q]` and `name[:q]`. */
export function splitFunctionName(name: string): { bareName: string; qualifier?: string } {
  const arn = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d{1}:)?(?:\d{12}:)?function:([a-zA-Z0-9\-_.]+)(?::(\$LATEST|[a-zA-Z0-9\-_]+))?$/.exec(name);
  if (arn) {
    return { bareName: arn[1], qualifier: arn[2] };
  }
  const colon = name.lastIndexOf(':');
  if (colon > 0 && !name.includes('/') && /^(\$LATEST|[a-zA-Z0-9\-_]+)$/.test(name.slice(colon + 1))) {
    return { bareName: name.slice(0, colon), qualifier: name.slice(colon + 1) };
  }
  return { bareName: name };
}

// ---------------------------------------------------------------------------
// Reading the manifest
// ---------------------------------------------------------------------------

interface ManifestArtifact {
  readonly type?: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: Record<string, unknown>;
  readonly metadata?: Record<string, Array<{ type?: string; data?: unknown }>>;
  readonly additionalMetadataFile?: string;
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LocalRunnerError(`Cannot read ${file}: ${(e as Error).message}`);
  }
}

function readAssembly(dir: string, prefix: string, options: CloudAssemblyOptions, out: StackInfo[], seen: Set<string>): void {
  const real = fs.realpathSync(dir);
  if (seen.has(real)) {
    return;
  }
  seen.add(real);
  const manifest = readJson(path.join(dir, 'manifest.json'));
  const artifacts: Record<string, ManifestArtifact> = manifest.artifacts ?? {};
  for (const [id, artifact] of Object.entries(artifacts)) {
    const props = artifact.properties ?? {};
    if (artifact.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
      const nested = path.resolve(dir, props.directoryName);
      if (fs.existsSync(path.join(nested, 'manifest.json'))) {
        readAssembly(nested, prefix, options, out, seen);
      }
    } else if (artifact.type === 'aws:cloudformation:stack' && typeof props.templateFile === 'string') {
      const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
      const account = env && /^\d{12}$/.test(env[1]) ? env[1] : (options.account ?? DEFAULT_ACCOUNT);
      const region = env && /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(env[2]) ? env[2] : (options.region ?? DEFAULT_REGION);
      const stack: StackInfo = {
        artifactId: id,
        displayName: artifact.displayName ?? id,
        stackName: typeof props.stackName === 'string' ? props.stackName : id,
        directory: dir,
        template: readJson(path.resolve(dir, props.templateFile)),
        region,
        account,
        constructPaths: constructPaths(dir, artifact),
      };
      out.push(stack);
      readNestedStacks(stack, out);
    }
  }
}

function constructPaths(dir: string, artifact: ManifestArtifact): Map<string, string> {
  const paths = new Map<string, string>();
  let metadata = artifact.metadata ?? {};
  if (artifact.additionalMetadataFile && fs.existsSync(path.join(dir, artifact.additionalMetadataFile))) {
    metadata = { ...metadata, ...readJson(path.join(dir, artifact.additionalMetadataFile)) };
  }
  for (const [p, entries] of Object.entries(metadata)) {
    for (const entry of entries ?? []) {
      if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') {
        paths.set(entry.data, p.replace(/^\//, ''));
      }
    }
  }
  return paths;
}

/** Nested stacks (`AWS::CloudFormation::Stack` whose template is an asset of the assembly). */
function readNestedStacks(parent: StackInfo, out: StackInfo[]): void {
  for (const [logicalId, resource] of Object.entries(parent.template.Resources ?? {})) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::CloudFormation::Stack' || typeof assetPath !== 'string') {
      continue;
    }
    const file = path.resolve(parent.directory, assetPath);
    if (!fs.existsSync(file)) {
      continue;
    }
    const cdkPath = resource.Metadata?.['aws:cdk:path'];
    const nestedPath = (typeof cdkPath === 'string' ? cdkPath : parent.constructPaths.get(logicalId) ?? `${parent.displayName}/${logicalId}`)
      .replace(/\.NestedStack\/\.NestedStackResource$/, '');
    const nested: StackInfo = {
      artifactId: `${parent.artifactId}/${logicalId}`,
      displayName: nestedPath,
      stackName: `${parent.stackName}-${logicalId}`,
      directory: path.dirname(file),
      template: readJson(file),
      region: parent.region,
      account: parent.account,
      constructPaths: new Map(),
    };
    out.push(nested);
    readNestedStacks(nested, out);
  }
}

// ---------------------------------------------------------------------------
// Reading the functions of one stack
// ---------------------------------------------------------------------------

const PSEUDO_PARAMETERS: Record<string, (s: StackInfo) => string> = {
  'AWS::Region': (s) => s.region,
  'AWS::AccountId': (s) => s.account,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (s) => s.stackName,
};

/**
 * What a stack's values can refer to before deployment: pseudo parameters and parameter defaults.
 * Everything else (resources, imports) is unresolved.
 */
export function parameterContext(stack: StackInfo): IntrinsicContext {
  const ctx: IntrinsicContext = {
    ref: (name) => {
      const pseudo = PSEUDO_PARAMETERS[name];
      if (pseudo) {
        return pseudo(stack);
      }
      const param = stack.template.Parameters?.[name];
      return param?.Default === undefined ? undefined : evaluateString(param.Default, ctx);
    },
    getAtt: () => undefined,
  };
  return ctx;
}

/** A reference resolver for one stack: pseudo parameters, parameter defaults and the Lambda resources' names and ARNs. */
class StackContext implements IntrinsicContext {
  private readonly names = new Map<string, string>();
  private readonly versionNumbers = new Map<string, { fn: string; number: string }>();
  private readonly resources: Record<string, CfnResource>;

  constructor(private readonly stack: StackInfo) {
    this.resources = stack.template.Resources ?? {};
  }

  public setFunctionName(logicalId: string, name: string): void {
    this.names.set(logicalId, name);
  }

  public setVersion(logicalId: string, fnLogicalId: string, n: string): void {
    this.versionNumbers.set(logicalId, { fn: fnLogicalId, number: n });
  }

  public ref(name: string): string | undefined {
    if (name in PSEUDO_PARAMETERS || this.stack.template.Parameters?.[name]) {
      return parameterContext(this.stack).ref(name);
    }
    const resource = this.resources[name];
    switch (resource?.Type) {
      case 'AWS::Lambda::Function':
        return this.names.get(name);
      case 'AWS::Lambda::Version': {
        const v = this.versionNumbers.get(name);
        return v && this.names.has(v.fn) ? `${this.arn(this.names.get(v.fn)!)}:${v.number}` : undefined;
      }
      case 'AWS::Lambda::Alias': {
        const fnId = referencedLogicalId(resource.Properties?.FunctionName);
        const aliasName = evaluateString(resource.Properties?.Name, this);
        return fnId && this.names.has(fnId) && aliasName ? `${this.arn(this.names.get(fnId)!)}:${aliasName}` : undefined;
      }
      default:
        return undefined;
    }
  }

  public getAtt(logicalId: string, attribute: string): string | undefined {
    const resource = this.resources[logicalId];
    if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
      const name = this.names.get(logicalId);
      return name === undefined ? undefined : this.arn(name);
    }
    if (resource?.Type === 'AWS::Lambda::Version' && attribute === 'Version') {
      return this.versionNumbers.get(logicalId)?.number;
    }
    return undefined;
  }

  private arn(name: string): string {
    return `arn:aws:lambda:${this.stack.region}:${this.stack.account}:function:${name}`;
  }
}

function readFunctions(stack: StackInfo, allStacks: StackInfo[]): FunctionInfo[] {
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
      code: codeOf(stack, resource, 'Code', ctx),
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

/** The asset behind a function's `Code` or a layer's `Content`. */
function codeOf(stack: StackInfo, resource: CfnResource, property: 'Code' | 'Content', ctx: IntrinsicContext): AssetOrError {
  const meta = resource.Metadata ?? {};
  const assetPath = meta['aws:asset:path'];
  if (typeof assetPath === 'string' && (meta['aws:asset:property'] ?? property) === property) {
    return located(path.resolve(stack.directory, assetPath));
  }
  const code = (resource.Properties?.[property] ?? {}) as Record<string, unknown>;
  if (code.ZipFile !== undefined) {
    return { error: 'its code is inline (Code.fromInline / ZipFile), which a provided runtime cannot use' };
  }
  if (code.ImageUri !== undefined) {
    return { error: 'it is a container image function, which the local runner does not run' };
  }
  // No asset metadata (synthesized without `aws:cdk:enable-asset-metadata`): find the asset by its S3 key.
  const key = evaluateString(code.S3Key, ctx);
  const hash = key ? /^(?:.*\/)?([0-9a-f]{64})\.(zip|jar)$/.exec(key)?.[1] : undefined;
  if (hash) {
    const found = findAssetByHash(stack, hash);
    if (found) {
      return located(found);
    }
  }
  return { error: `its ${property} is not an asset of this cloud assembly (${JSON.stringify(code)})` };
}

function located(p: string): AssetOrError {
  if (!fs.existsSync(p)) {
    return { error: `its asset ${p} does not exist (synthesize the app again)` };
  }
  return { asset: { path: p, packaging: fs.statSync(p).isDirectory() ? 'directory' : 'zip' } };
}

/** Looks the asset up in the asset manifests next to the stack, then as `asset.<hash>` up to the root assembly. */
function findAssetByHash(stack: StackInfo, hash: string): string | undefined {
  for (const file of fs.readdirSync(stack.directory).filter((f) => f.endsWith('.assets.json'))) {
    const source = readJson(path.join(stack.directory, file))?.files?.[hash]?.source;
    if (typeof source?.path === 'string') {
      return path.resolve(stack.directory, source.path);
    }
  }
  let dir = stack.directory;
  for (let i = 0; i < 4; i++) {
    for (const candidate of [`asset.${hash}`, `asset.${hash}.zip`]) {
      if (fs.existsSync(path.join(dir, candidate))) {
        return path.join(dir, candidate);
      }
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

function layerOf(stack: StackInfo, entry: unknown, ctx: IntrinsicContext, allStacks: StackInfo[]): LayerInfo {
  const description = typeof entry === 'string' ? entry : JSON.stringify(entry);
  let owner = stack;
  let target: unknown = entry;
  const imported = (entry as Record<string, unknown> | null)?.['Fn::ImportValue'];
  if (imported !== undefined) {
    // A layer of another stack of the same app: follow the export to its `Ref`.
    const exportName = evaluateString(imported, ctx);
    const exporter = exportName === undefined ? undefined : findExport(allStacks, exportName);
    if (!exporter) {
      return { description, content: { error: `the layer ${description} is imported from an export not found in the cloud assembly` } };
    }
    owner = exporter.stack;
    target = exporter.value;
  }
  const id = referencedLogicalId(target);
  const resource = id === undefined ? undefined : owner.template.Resources?.[id];
  if (resource?.Type === 'AWS::Lambda::LayerVersion') {
    const cdkPath = resource.Metadata?.['aws:cdk:path'];
    return {
      description: typeof cdkPath === 'string' ? cdkPath : owner.constructPaths.get(id!) ?? `${owner.displayName}/${id}`,
      content: codeOf(owner, resource, 'Content', new StackContext(owner)),
    };
  }
  const arn = evaluateString(target, ctx);
  return {
    description,
    content: {
      error: `its layer ${arn ?? description} is not defined in the cloud assembly, so its content cannot be found locally `
        + '(the local runner only uses layers created with lambda.LayerVersion and Code.fromAsset in the same app)',
    },
  };
}

function findExport(stacks: StackInfo[], name: string): { stack: StackInfo; value: unknown } | undefined {
  for (const stack of stacks) {
    const ctx = new StackContext(stack);
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export && evaluateString(output.Export.Name, ctx) === name) {
        return { stack, value: output.Value };
      }
    }
  }
  return undefined;
}
