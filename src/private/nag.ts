import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One cdk-nag acknowledgement: the rule, why it does not apply, and optionally which findings. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
  readonly appliesTo?: string[];
}

/**
 * Records cdk-nag acknowledgements on the CloudFormation resource behind `scope`, in the metadata
 * format cdk-nag reads (`Metadata.cdk_nag.rules_to_suppress`). cdk-nag stays a dev dependency:
 * the library writes the metadata, users' cdk-nag runs read it.
 */
export function acknowledgeNagFindings(scope: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  if (acknowledgements.length === 0) { return; }
  const resource = cfnResourceBehind(scope, 'acknowledge cdk-nag findings');
  const existing: object[] = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  const added = acknowledgements.map(a => ({
    id: a.id,
    reason: a.reason,
    ...(a.appliesTo ? { applies_to: a.appliesTo } : {}),
  }));
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added] });
}

/** The CloudFormation resource a construct stands for, where scanners read their metadata. */
export function cfnResourceBehind(scope: IConstruct, purpose: string): CfnResource {
  const resource = scope instanceof CfnResource ? scope : scope.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${scope.node.path} has no CloudFormation resource to ${purpose} on`);
  }
  return resource;
}
