/**
 * What a stack's values can refer to before deployment: its pseudo parameters,
 * its parameters' defaults and, once function discovery has named them, the
 * names and ARNs of its Lambda functions, versions and aliases. Everything
 * else (other resources, imports) stays unresolved.
 */
import { CfnResource, DEFAULT_ACCOUNT, DEFAULT_REGION, StackInfo } from './assembly-manifest';
import { evaluateString, IntrinsicContext, referencedLogicalId } from './intrinsics';

const PSEUDO_PARAMETERS: Record<string, (s: StackInfo) => string> = {
  'AWS::Region': (s) => s.region,
  'AWS::AccountId': (s) => s.account,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (s) => s.stackName,
};

/** `arn:aws:lambda:<region>:<account>:function:<name>` in the stack's environment (the defaults without a stack). */
export function lambdaArn(stack: StackInfo | undefined, name: string): string {
  return `arn:aws:lambda:${stack?.region ?? DEFAULT_REGION}:${stack?.account ?? DEFAULT_ACCOUNT}:function:${name}`;
}

/** Pseudo parameters and parameter defaults only: what a function's environment variables may use. */
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
export class StackContext implements IntrinsicContext {
  private readonly names = new Map<string, string>();
  private readonly versionNumbers = new Map<string, { fn: string; number: string }>();
  private readonly resources: Record<string, CfnResource>;

  constructor(private readonly stack: StackInfo) {
    this.resources = stack.template.Resources ?? {};
  }

  /** What `Ref` of the function `logicalId` gives from now on. */
  public setFunctionName(logicalId: string, name: string): void {
    this.names.set(logicalId, name);
  }

  /** The number of the version `logicalId` of the function `fnLogicalId`. */
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
        return v && this.names.has(v.fn) ? `${lambdaArn(this.stack, this.names.get(v.fn)!)}:${v.number}` : undefined;
      }
      case 'AWS::Lambda::Alias': {
        const fnId = referencedLogicalId(resource.Properties?.FunctionName);
        const aliasName = evaluateString(resource.Properties?.Name, this);
        return fnId && this.names.has(fnId) && aliasName ? `${lambdaArn(this.stack, this.names.get(fnId)!)}:${aliasName}` : undefined;
      }
      default:
        return undefined;
    }
  }

  public getAtt(logicalId: string, attribute: string): string | undefined {
    const resource = this.resources[logicalId];
    if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
      const name = this.names.get(logicalId);
      return name === undefined ? undefined : lambdaArn(this.stack, name);
    }
    if (resource?.Type === 'AWS::Lambda::Version' && attribute === 'Version') {
      return this.versionNumbers.get(logicalId)?.number;
    }
    return undefined;
  }
}
