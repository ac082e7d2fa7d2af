import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CheckovSkip, skipCheckovChecks } from './checkov';

/** The function settings whose defaults Checkov reports. */
export interface FunctionCheckovSettings {
  readonly vpc?: unknown;
  readonly reservedConcurrentExecutions?: number;
  readonly environment?: { [key: string]: string };
  readonly environmentEncryption?: unknown;
}

/**
 * The Checkov checks the function fails by default, skipped with the reason on the function: each fix costs money
 * or takes capacity, so it is the user's choice, named in the comment.
 */
export function skipDefaultFunctionChecks(fn: lambda.Function, settings: FunctionCheckovSettings): void {
  const skips: CheckovSkip[] = [];
  if (!settings.vpc) {
    skips.push({
      id: 'CKV_AWS_117',
      comment: 'Outside a VPC, Lambda runs the function in its own network; a VPC needs subnets and NAT gateways or VPC endpoints, '
        + 'billed per hour, so it is a choice: vpc.',
    });
  }
  if (settings.reservedConcurrentExecutions === undefined) {
    skips.push({
      id: 'CKV_AWS_115',
      comment: 'Reserved concurrency takes capacity from the account\'s unreserved pool and caps the function; the limit depends on '
        + 'the account: reservedConcurrentExecutions.',
    });
  }
  if (Object.keys(settings.environment ?? {}).length > 0 && !settings.environmentEncryption) {
    skips.push({
      id: 'CKV_AWS_173',
      comment: 'Lambda encrypts environment variables at rest with its AWS managed key; environmentEncryption uses a customer managed key.',
    });
  }
  skipCheckovChecks(fn, skips);
}
