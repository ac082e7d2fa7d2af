import { IConstruct } from 'constructs';
import { cfnResourceBehind } from './nag';

/** One Checkov check that does not apply, and why. */
export interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

/**
 * Records skipped Checkov checks on the CloudFormation resource behind `scope`, in the metadata format Checkov
 * reads from CloudFormation templates (`Metadata.checkov.skip: [{ id, comment }]`); Checkov then reports them as
 * skipped with the comment as the reason.
 */
export function skipCheckovChecks(scope: IConstruct, skips: CheckovSkip[]): void {
  if (skips.length === 0) { return; }
  const resource = cfnResourceBehind(scope, 'skip Checkov checks');
  const existing: CheckovSkip[] = resource.getMetadata('checkov')?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, ...skips] });
}
