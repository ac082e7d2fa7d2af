import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeNagFindings, NagAcknowledgement } from './nag';

/** Permissions whose actions support no resource-level permissions, so their resource is "*", and why. */
interface UnscopableGrant {
  readonly name: string;
  readonly actions: string[];
  readonly reason: string;
}

const TRACING: UnscopableGrant = {
  name: 'Tracing',
  actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; AWS documents "*" as their only resource.',
};

/** What aws-cdk-lib's AWSLambdaVPCAccessExecutionRole managed policy allows, inline. */
const VPC_ACCESS: UnscopableGrant = {
  name: 'VpcAccess',
  actions: [
    'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
    'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
  ],
  reason: 'The EC2 network-interface actions Lambda needs to attach a function to a VPC support no resource-level permissions.',
};

/** The unscopable permissions a function needs for its tracing mode and network. */
export function unscopableGrants(tracing: lambda.Tracing, inVpc: boolean): UnscopableGrant[] {
  return [
    ...tracing === lambda.Tracing.DISABLED ? [] : [TRACING],
    ...inVpc ? [VPC_ACCESS] : [],
  ];
}

/**
 * The execution role the construct creates: no AWS managed policies; the unscopable permissions as inline
 * policies of the role itself, so they cost no extra resource, the function (which depends on its role)
 * cannot race them on the first invocation, and their `Resource: *` is acknowledged on the role alone,
 * never on the default policy where later grants land.
 */
export function createExecutionRole(scope: Construct, grants: UnscopableGrant[]): iam.Role {
  const role = new iam.Role(scope, 'ServiceRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${scope.node.path}`,
    inlinePolicies: Object.fromEntries(grants.map(g => [g.name, policyDocument(g)])),
  });
  acknowledgeNagFindings(role, grants.map(acknowledgement));
  if (grants.length > 0) {
    acknowledgeNagFindings(role, [{
      id: 'Serverless-LambdaStarPermissions',
      reason: `The role's inline policies hold only actions without resource-level permissions (${grants.map(g => g.name).join(', ')}): `
        + grants.map(g => g.reason).join(' '),
    }]);
  }
  return role;
}

/**
 * A role the user brings gets the unscopable permissions as policies of their own, which the function
 * depends on, each with its acknowledgement.
 */
export function attachUnscopablePolicies(scope: Construct, role: iam.IRole, fn: lambda.Function, grants: UnscopableGrant[]): void {
  for (const grant of grants) {
    const policy = new iam.Policy(scope, `${grant.name}Policy`, { document: policyDocument(grant) });
    role.attachInlinePolicy(policy);
    fn.node.addDependency(policy);
    acknowledgeNagFindings(policy, [acknowledgement(grant)]);
  }
}

/**
 * aws-cdk-lib's grants for `onSuccess`/`onFailure` destinations encrypted with a customer managed key give the
 * construct's own role the KMS data-key action families `kms:GenerateDataKey*` and `kms:ReEncrypt*` on that key
 * alone. Called only when the construct made the role and wired a destination.
 */
export function acknowledgeKeyGrantFindings(role: iam.IRole): void {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(role instanceof iam.Role) || !policy) { return; }
  acknowledgeNagFindings(policy, [{
    id: 'AwsSolutions-IAM5',
    reason: 'The KMS data-key action families that aws-cdk-lib grants for sending to an encrypted destination queue or topic; the resource is that queue\'s or topic\'s key alone.',
    appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
  }]);
}

function policyDocument(grant: UnscopableGrant): iam.PolicyDocument {
  return new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: grant.actions, resources: ['*'] })] });
}

function acknowledgement(grant: UnscopableGrant): NagAcknowledgement {
  return { id: 'AwsSolutions-IAM5', reason: grant.reason, appliesTo: ['Resource::*'] };
}
