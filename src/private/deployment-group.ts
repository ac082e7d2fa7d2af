import { Annotations, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag';
import type { DeploymentOptions } from '../deployment';

/**
 * A CodeDeploy deployment group that shifts `alias` to each new version, gated by `rollbackAlarms`
 * and the options' own alarms and hooks, with `deploymentConfig` (the options' `trafficShift` or its default, bound by the caller).
 *
 * aws-cdk-lib's `LambdaDeploymentGroup` sets the alias's `UpdatePolicy.CodeDeployLambdaAliasUpdate`,
 * grants each hook `codedeploy:PutLifecycleEventHookExecutionStatus` on the deployment group and lets the
 * deployment group's role invoke the hooks; nothing is granted twice here.
 */
export function createDeploymentGroup(scope: Construct, alias: lambda.Alias, options: DeploymentOptions,
  deploymentConfig: codedeploy.ILambdaDeploymentConfig, rollbackAlarms: cloudwatch.IAlarm[]): codedeploy.LambdaDeploymentGroup {
  const alarms = [...rollbackAlarms, ...options.alarms ?? []];
  if (alarms.length === 0) {
    Annotations.of(scope).addWarningV2('cdk-custom-runtime:deploymentWithoutAlarms',
      'The deployment has no alarms: CodeDeploy rolls back only when a hook reports failure or the deployment fails, never because the new version misbehaves.');
  }
  const group = new codedeploy.LambdaDeploymentGroup(scope, 'DeploymentGroup', {
    alias,
    application: options.application,
    deploymentGroupName: options.deploymentGroupName,
    deploymentConfig,
    alarms,
    preHook: options.preTrafficHook,
    postHook: options.postTrafficHook,
    autoRollback: {
      failedDeployment: true,
      stoppedDeployment: options.rollbackOnStop ?? true,
      deploymentInAlarm: alarms.length > 0,
    },
  });
  acknowledgeDeploymentRoleFindings(group, options);
  return group;
}

/**
 * `LambdaDeploymentGroup` always attaches the AWS managed policy `AWSCodeDeployRoleForLambdaLimited` to its role,
 * and its hook grants (`IFunction.grantInvoke`) name each hook's ARN and the hook's versions and aliases (`<arn>:*`).
 */
function acknowledgeDeploymentRoleFindings(group: codedeploy.LambdaDeploymentGroup, options: DeploymentOptions): void {
  const role = group.role.node.defaultChild;
  if (!role) { return; }
  acknowledgeNagFindings(role, [{
    id: 'AwsSolutions-IAM4',
    reason: 'AWSCodeDeployRoleForLambdaLimited is the AWS-maintained policy CodeDeploy documents for its service role in Lambda deployments, '
      + 'and aws-cdk-lib\'s LambdaDeploymentGroup attaches it to every deployment group role. The role is trusted by codedeploy.amazonaws.com alone. '
      + 'The policy lets CodeDeploy read and update aliases and read provisioned concurrency and alarm states (not scoped to one function), '
      + 'publish deployment notifications and read revision files; of all Lambda invocations it allows only functions named CodeDeployHook_*.',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited'],
  }]);
  const hooks = [options.preTrafficHook, options.postTrafficHook].flatMap(h => h ? [h] : []);
  const policy = group.role.node.tryFindChild('DefaultPolicy');
  const findings = hooks.flatMap(hook => hookInvokeFinding(Stack.of(group), hook));
  if (!policy || findings.length === 0) { return; }
  acknowledgeNagFindings(policy, [{
    id: 'AwsSolutions-IAM5',
    reason: 'CodeDeploy invokes the deployment\'s pre- and post-traffic hook functions; aws-cdk-lib\'s grant covers those functions and their own versions and aliases (<hook ARN>:*), nothing else.',
    appliesTo: findings,
  }]);
}

/**
 * How cdk-nag names the `<hook ARN>:*` resource of a hook's invoke grant: `Resource::<LogicalId.Arn>:*` for a hook
 * in this app, `Resource::<arn>:*` for an imported one, nothing when the ARN is some other expression.
 */
function hookInvokeFinding(stack: Stack, hook: lambda.IFunction): string[] {
  const arn = stack.resolve(hook.functionArn);
  if (typeof arn === 'string') { return [`Resource::${arn}:*`]; }
  const getAtt = arn?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? [`Resource::<${getAtt[0]}.Arn>:*`] : [];
}
