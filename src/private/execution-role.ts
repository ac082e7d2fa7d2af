import { CfnResource, Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CheckovSkip, skipCheckovChecks } from './checkov';
import { acknowledgeNagFindings, NagAcknowledgement } from './nag';

/** Permissions whose actions support no resource-level permissions, so their resource is "*", and why. */
interface UnscopableGrant {
  readonly name: string;
  readonly actions: string[];
  readonly reason: string;
  /** The Checkov check that the `Resource: *` fails, when one does. */
  readonly checkov?: CheckovSkip;
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
  checkov: {
    id: 'CKV_AWS_111',
    comment: 'The EC2 network-interface actions Lambda needs to attach a function to a VPC (those of AWSLambdaVPCAccessExecutionRole) '
      + 'support no resource-level permissions, so their resource is "*".',
  },
};

/** The unscopable permissions a function needs for its tracing mode and network. */
export function unscopableGrants(tracing: lambda.Tracing, inVpc: boolean): UnscopableGrant[] {
  return [
    ...tracing === lambda.Tracing.DISABLED ? [] : [TRACING],
    ...inVpc ? [VPC_ACCESS] : [],
  ];
}

/**
 * The execution role the construct creates: no AWS managed policies; the unscopable permissions and the scoped
 * ones the function needs from the start (`scoped`: writing to its log group, sending to its dead-letter target)
 * as inline policies of the role itself, so they cost no extra resource (no `DefaultPolicy` until someone grants
 * the role more), the function (which depends on its role) cannot race them on the first invocation, and the
 * unscopable `Resource: *` is acknowledged on the role alone, never on the default policy where later grants land.
 */
export function createExecutionRole(scope: Construct, grants: UnscopableGrant[], scoped: iam.PolicyStatement[]): iam.Role {
  const role = new iam.Role(scope, 'ServiceRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${scope.node.path}`,
    inlinePolicies: {
      ...scoped.length > 0 ? { Function: new iam.PolicyDocument({ statements: scoped }) } : {},
      ...Object.fromEntries(grants.map(g => [g.name, policyDocument(g)])),
    },
  });
  acknowledgeNagFindings(role, grants.map(acknowledgement));
  skipCheckovChecks(role, checkovSkips(grants));
  if (grants.length > 0) {
    acknowledgeNagFindings(role, [{
      id: 'Serverless-LambdaStarPermissions',
      reason: `The role's inline policies use Resource * only for actions without resource-level permissions (${grants.map(g => g.name).join(', ')}): `
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
    skipCheckovChecks(policy, checkovSkips([grant]));
  }
}

/**
 * aws-cdk-lib makes the function depend on its whole role: the role's policies, which must exist before the first
 * invocation, and the role itself, which the function's `Role` (a `GetAtt`) already orders, so cfn-lint warns (W3005).
 * The function keeps every dependency but that one.
 */
export function dropRedundantRoleDependency(fn: lambda.Function): void {
  const cfnFunction = fn.node.defaultChild as CfnResource;
  const cfnRole = fn.role?.node.defaultChild;
  if (!(cfnRole instanceof CfnResource)) { return; }
  // Rendered as aws-cdk-lib renders DependsOn: the same-stack dependencies, sorted by construct path.
  cfnFunction.addOverride('DependsOn', Lazy.list({
    produce: () => cfnFunction.obtainResourceDependencies().filter(d => d !== cfnRole)
      .sort((a, b) => a.node.path.localeCompare(b.node.path)).map(d => d.logicalId),
  }, { omitEmpty: true }));
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

function checkovSkips(grants: UnscopableGrant[]): CheckovSkip[] {
  return grants.flatMap(g => g.checkov ? [g.checkov] : []);
}

function acknowledgement(grant: UnscopableGrant): NagAcknowledgement {
  return { id: 'AwsSolutions-IAM5', reason: grant.reason, appliesTo: ['Resource::*'] };
}
