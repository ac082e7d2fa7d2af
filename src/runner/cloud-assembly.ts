/**
 * The functions of a synthesized CDK app (a cloud assembly, `cdk.out`), read
 * along the data path: the manifest and nested assemblies
 * (`assembly-manifest.ts`), nested stacks (`nested-stacks.ts`), each stack's
 * functions (`function-discovery.ts`, with `stack-context.ts`, `assets.ts` and
 * `layers.ts`); then found by the name and qualifier an invocation gives, as
 * the Invoke API finds them.
 */
import * as path from 'node:path';
import { CloudAssemblyOptions, readAssemblyStacks, StackInfo } from './assembly-manifest';
import { InvokeError, LocalRunnerError, resourceNotFound } from './errors';
import { AsyncConfig, DEFAULT_ASYNC_CONFIG, describe, discoverFunctions, FunctionInfo, functionArn } from './function-discovery';
import { withNestedStacks } from './nested-stacks';
import { lambdaArn } from './stack-context';

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

/** The functions of a cloud assembly directory (`cdk.out`). */
export class CloudAssembly {
  /** Reads `<directory>/manifest.json`, nested assemblies (stages) and nested stacks included. */
  public static load(directory: string, options: CloudAssemblyOptions = {}): CloudAssembly {
    const root = path.resolve(directory);
    const stacks = readAssemblyStacks(root, options).flatMap(withNestedStacks);
    return new CloudAssembly(root, stacks);
  }

  /** Every function, in manifest and template order. */
  public readonly functions: FunctionInfo[];

  private constructor(public readonly directory: string, public readonly stacks: StackInfo[]) {
    this.functions = stacks.flatMap((stack) => discoverFunctions(stack, stacks));
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
    throw resourceNotFound(`Function not found: ${lambdaArn(this.functions[0]?.stack, bareName)}. ${this.candidates(this.functions)}`);
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
      asyncConfig: config ?? DEFAULT_ASYNC_CONFIG,
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
