import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag';

/**
 * The permissions a function's execution role needs beyond logs, each where a reviewer can see why.
 */
export class ExecutionRolePolicies {
  constructor(private readonly scope: Construct, private readonly role: iam.IRole, private readonly fn: lambda.Function) {}

  /**
   * X-Ray tracing, with its permissions in a policy of their own that the function depends on
   * (so the first invocation cannot race the policy) and whose `Resource: *` is acknowledged there alone.
   */
  public configureTracing(tracing: lambda.Tracing): void {
    if (tracing === lambda.Tracing.DISABLED) { return; }
    (this.fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: tracing };
    this.addUnscopablePolicy('TracingPolicy', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; AWS documents "*" as their only resource.');
  }

  /**
   * With a VPC, Lambda manages network interfaces through the execution role. aws-cdk-lib attaches the AWS managed
   * policy AWSLambdaVPCAccessExecutionRole only to roles it creates; ours gets the same actions inline.
   */
  public grantVpcNetworkInterfaces(): void {
    this.addUnscopablePolicy('VpcAccessPolicy', [
      'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
    ], 'The EC2 network-interface actions Lambda needs to attach a function to a VPC support no resource-level permissions.');
  }

  /**
   * aws-cdk-lib's queue and topic grants (dead-letter queues, destinations) give the role the KMS data-key
   * actions `kms:GenerateDataKey*` and `kms:ReEncrypt*` on that queue's or topic's key alone.
   */
  public acknowledgeKeyGrantFindings(): void {
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!(this.role instanceof iam.Role) || !policy) { return; }
    acknowledgeNagFindings(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'The KMS data-key action families that aws-cdk-lib grants for sending to an encrypted queue or topic; the resource is that queue\'s or topic\'s key alone.',
      appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
    }]);
  }

  private addUnscopablePolicy(id: string, actions: string[], reason: string): void {
    const policy = new iam.Policy(this.scope, id, {
      statements: [new iam.PolicyStatement({ actions, resources: ['*'] })],
    });
    this.role.attachInlinePolicy(policy);
    this.fn.node.addDependency(policy);
    acknowledgeNagFindings(policy, [{ id: 'AwsSolutions-IAM5', reason, appliesTo: ['Resource::*'] }]);
  }
}
