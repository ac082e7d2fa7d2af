import { CfnResource } from 'aws-cdk-lib';
import { CustomRuntimeFunction } from '../src';
import { nagFindings } from './nag';
import { controlTowerFunction, defaultFunction, fullyConfiguredFunction, newApp } from './scenarios';
import { echoCode } from './util';

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  test('the default function has no unacknowledged finding', () => {
    const { app, stack } = newApp();
    defaultFunction(stack);
    expect(nagFindings(app, stack)).toEqual([]);
  });

  test('a fully configured function has no unacknowledged finding', () => {
    const { app, stack } = newApp();
    fullyConfiguredFunction(stack);
    // The queue the user brings for onFailure is the user's to give a dead-letter queue.
    const findings = nagFindings(app, stack).filter(f => !f.includes('/GateStack/Failures'));
    expect(findings).toEqual([]);
  });

  test('the configuration that passes every Control Tower control has no unacknowledged finding', () => {
    const { app, stack } = newApp();
    controlTowerFunction(stack);
    expect(nagFindings(app, stack)).toEqual([]);
  });

  test('removing one of our acknowledgements makes the finding reappear (the test can fail)', () => {
    const { app, stack } = newApp();
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler' });
    const role = fn.role!.node.defaultChild as CfnResource;
    role.addMetadata('cdk_nag', { rules_to_suppress: [] });
    const findings = nagFindings(app, stack);
    expect(findings).toEqual([
      expect.stringMatching(/^\/GateStack\/Fn\/ServiceRole\/Resource: AwsSolutions-IAM5\[Resource::\*\]/),
      expect.stringMatching(/^\/GateStack\/Fn\/ServiceRole\/Resource: Serverless-LambdaStarPermissions/),
    ]);
  });

  test('removing the deployment group\'s acknowledgements makes its findings reappear (the test can fail)', () => {
    const { app, stack } = newApp();
    const hook = new CustomRuntimeFunction(stack, 'Hook', { code: echoCode(), handler: 'function.handler', alarms: { enabled: false } });
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', deployment: { preTrafficHook: hook.function } });
    const role = fn.deploymentGroup!.role.node;
    (role.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [] });
    (role.findChild('DefaultPolicy').node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [] });
    expect(nagFindings(app, stack).map(f => f.replace(/: (AwsSolutions-IAM\d\[[^\]]*\])[\s\S]*/, ': $1'))).toEqual([
      expect.stringMatching(/^\/GateStack\/Fn\/DeploymentGroup\/ServiceRole\/Resource: AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSCodeDeployRoleForLambdaLimited\]$/),
      expect.stringMatching(/^\/GateStack\/Fn\/DeploymentGroup\/ServiceRole\/DefaultPolicy\/Resource: AwsSolutions-IAM5\[Resource::<HookFunction[0-9A-F]{8}\.Arn>:\*\]$/),
    ]);
  });
});
