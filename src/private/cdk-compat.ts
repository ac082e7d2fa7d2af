import { RemovalPolicy } from 'aws-cdk-lib';

/*
 * Reads of aws-cdk-lib members whose type changed, or that were added, after the lowest aws-cdk-lib
 * version we support (see README "Compatibility"). Each reads structurally, so that the library
 * type-checks and behaves the same on every version of the peer range (scripts/test-min-cdk.js).
 */

/** The ARN of a log group given as `ILogGroup` (older aws-cdk-lib) or `ILogGroupRef` (newer). */
export function logGroupArnOf(logGroup: object): string {
  const ref = logGroup as { logGroupArn?: string; logGroupRef?: { logGroupArn: string } };
  return ref.logGroupArn ?? ref.logGroupRef!.logGroupArn;
}

/** `FunctionOptions.logRemovalPolicy`, which older aws-cdk-lib versions do not have. */
export function logRemovalPolicyOf(options: object): RemovalPolicy | undefined {
  return (options as { logRemovalPolicy?: RemovalPolicy }).logRemovalPolicy;
}
