import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CustomRuntimeFunction, CustomRuntimeFunctionProps, TrafficShift } from '../src';
import { FIXTURES, echoCode, newStack, resourceCounts, resourcesOfType, snapshotOf } from './util';

/** Fresh props per stack: an asset belongs to one stack. */
const base = () => ({ code: echoCode(), handler: 'function.handler' });

function build(props: Partial<CustomRuntimeFunctionProps> = {}, stack: Stack = newStack()) {
  const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), ...props });
  return { stack, fn, template: Template.fromStack(stack) };
}

/** A hook function of its own (on our construct, so it is a complete function with a role). */
function hook(stack: Stack, id: string): CustomRuntimeFunction {
  return new CustomRuntimeFunction(stack, id, { ...base(), alarms: { enabled: false } });
}

const ref = (prefix: string) => ({ Ref: Match.stringLikeRegexp(`^${prefix}`) });

/** Logical IDs a resource refers to (Ref, Fn::GetAtt, DependsOn), UpdatePolicy included. */
function referencesOf(resource: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: any): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!node || typeof node !== 'object') { return; }
    if (typeof node.Ref === 'string') { found.add(node.Ref); }
    if (Array.isArray(node['Fn::GetAtt'])) { found.add(node['Fn::GetAtt'][0]); }
    Object.values(node).forEach(visit);
  };
  visit(resource);
  for (const dep of (resource as any).DependsOn ?? []) { found.add(dep); }
  return found;
}

/** The first dependency cycle among the template's resources, as logical IDs, or undefined. */
function findCycle(template: Template): string[] | undefined {
  const resources = template.toJSON().Resources as Record<string, unknown>;
  const edges = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, [...referencesOf(r)].filter(d => d in resources)]));
  const state: Record<string, 'visiting' | 'done'> = {};
  const walk = (id: string, trail: string[]): string[] | undefined => {
    if (state[id] === 'visiting') { return [...trail.slice(trail.indexOf(id)), id]; }
    if (state[id] === 'done') { return undefined; }
    state[id] = 'visiting';
    for (const next of edges[id]) {
      const cycle = walk(next, [...trail, id]);
      if (cycle) { return cycle; }
    }
    state[id] = 'done';
    return undefined;
  };
  for (const id of Object.keys(edges)) {
    const cycle = walk(id, []);
    if (cycle) { return cycle; }
  }
  return undefined;
}

describe('a function with a deployment and nothing else configured', () => {
  // GIVEN / WHEN
  const { stack, fn, template } = build({ deployment: {} });

  test('adds a CodeDeploy application, deployment group and its role to a default function, nothing else', () => {
    const withoutDeployment = resourceCounts(build().stack);
    expect(resourceCounts(stack)).toEqual({
      ...withoutDeployment,
      'AWS::IAM::Role': withoutDeployment['AWS::IAM::Role'] + 1,
      'AWS::CodeDeploy::Application': 1,
      'AWS::CodeDeploy::DeploymentGroup': 1,
    });
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('hands every version change of the alias to CodeDeploy (UpdatePolicy.CodeDeployLambdaAliasUpdate)', () => {
    template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: ref('FnDeploymentGroupApplication'),
          DeploymentGroupName: ref('FnDeploymentGroup'),
          BeforeAllowTrafficHook: Match.absent(),
          AfterAllowTrafficHook: Match.absent(),
        },
      },
    });
    expect(fn.deploymentGroup).toBeDefined();
  });

  test('shifts 10% for 5 minutes by default', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
  });

  test('the function\'s own alarms roll it back, except the dead-letter backlog', () => {
    const alarmIds = Object.fromEntries(resourcesOfType(stack, 'AWS::CloudWatch::Alarm').map(([id]) => [id.replace(/^FnAlarms|[0-9A-F]{8}$/g, ''), id]));
    expect(Object.keys(alarmIds).sort()).toEqual(['AsyncDeliveryFailures', 'DeadLetterMessages', 'ErrorRateThrottlesDuration']);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: {
        Enabled: true,
        Alarms: ['ErrorRateThrottlesDuration', 'AsyncDeliveryFailures'].map(name => ({ Name: { Ref: alarmIds[name] } })),
      },
    });
  });

  test('rolls back failed deployments, deployments in alarm, and deployments stopped by hand', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
    });
  });

  test('has no circular dependency between alias, alarms and deployment group', () => {
    expect(findCycle(template)).toBeUndefined();
    const [aliasId] = resourcesOfType(stack, 'AWS::Lambda::Alias')[0];
    for (const [id, alarm] of resourcesOfType(stack, 'AWS::CloudWatch::Alarm')) {
      expect([id, referencesOf(alarm).has(aliasId)]).toEqual([id, false]);
    }
  });

  test('records no warning', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('the cycle check itself', () => {
  test('finds a cycle when an alarm is built on the alias resource (the test can fail)', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), deployment: {} });
    // An alarm whose dimension names the alias resource (its ARN) depends on the alias, which depends on the group.
    const alarm = new cloudwatch.Alarm(stack, 'OnAliasResource', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensionsMap: { Resource: fn.alias.functionArn } }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    fn.deploymentGroup!.addAlarm(alarm);
    expect(findCycle(Template.fromStack(stack))).toBeDefined();
  });
});

describe('without a deployment', () => {
  test('the alias has no UpdatePolicy and there is no CodeDeploy resource', () => {
    const { stack, fn, template } = build();
    const [, alias] = resourcesOfType(stack, 'AWS::Lambda::Alias')[0];
    expect(alias.UpdatePolicy).toBeUndefined();
    template.resourceCountIs('AWS::CodeDeploy::Application', 0);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    expect(fn.deploymentGroup).toBeUndefined();
  });
});

describe('traffic shifts', () => {
  test.each<[string, TrafficShift, string]>([
    ['all at once', TrafficShift.ALL_AT_ONCE, 'CodeDeployDefault.LambdaAllAtOnce'],
    ['canary 10% 5 minutes', TrafficShift.CANARY_10PERCENT_5MINUTES, 'CodeDeployDefault.LambdaCanary10Percent5Minutes'],
    ['canary 10% 10 minutes', TrafficShift.CANARY_10PERCENT_10MINUTES, 'CodeDeployDefault.LambdaCanary10Percent10Minutes'],
    ['canary 10% 15 minutes', TrafficShift.CANARY_10PERCENT_15MINUTES, 'CodeDeployDefault.LambdaCanary10Percent15Minutes'],
    ['canary 10% 30 minutes', TrafficShift.CANARY_10PERCENT_30MINUTES, 'CodeDeployDefault.LambdaCanary10Percent30Minutes'],
    ['linear 10% every minute', TrafficShift.LINEAR_10PERCENT_EVERY_1MINUTE, 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute'],
    ['linear 10% every 2 minutes', TrafficShift.LINEAR_10PERCENT_EVERY_2MINUTES, 'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes'],
    ['linear 10% every 3 minutes', TrafficShift.LINEAR_10PERCENT_EVERY_3MINUTES, 'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes'],
    ['linear 10% every 10 minutes', TrafficShift.LINEAR_10PERCENT_EVERY_10MINUTES, 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes'],
  ])('%s uses CodeDeploy\'s predefined configuration', (_name, trafficShift, configName) => {
    const { template } = build({ deployment: { trafficShift } });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: configName });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
    expect(`CodeDeployDefault.Lambda${trafficShift.name}`).toBe(configName);
  });

  test('a custom canary creates its own deployment configuration', () => {
    const { stack, template } = build({ deployment: { trafficShift: TrafficShift.canary(25, Duration.minutes(20)) } });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 1);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 25, CanaryInterval: 20 } },
    });
    const [configId] = resourcesOfType(stack, 'AWS::CodeDeploy::DeploymentConfig')[0];
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: { Ref: configId } });
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('a custom linear shift creates its own deployment configuration', () => {
    const { template } = build({ deployment: { trafficShift: TrafficShift.linear(20, Duration.hours(1)) } });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 20, LinearInterval: 60 } },
    });
  });

  test('custom shifts are named after their shape', () => {
    expect(TrafficShift.canary(25, Duration.minutes(20)).name).toBe('Canary25Percent20Minutes');
    expect(TrafficShift.linear(20, Duration.hours(1)).name).toBe('Linear20PercentEvery60Minutes');
  });

  test('any deployment configuration can be brought, for example one imported by name', () => {
    const stack = newStack();
    const config = codedeploy.LambdaDeploymentConfig.fromLambdaDeploymentConfigName(stack, 'Config', 'Canary5Percent2Hours');
    const { template } = build({ deployment: { trafficShift: TrafficShift.fromDeploymentConfig(config) } }, stack);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'Canary5Percent2Hours' });
  });

  test.each<[string, TrafficShift, string]>([
    ['a canary of 0%', TrafficShift.canary(0, Duration.minutes(5)),
      'TestStack/Fn: deployment.trafficShift percentage must be an integer between 1% and 99%, got 0%'],
    ['a canary of 100%', TrafficShift.canary(100, Duration.minutes(5)),
      'TestStack/Fn: deployment.trafficShift percentage must be an integer between 1% and 99%, got 100%'],
    ['a fractional linear step', TrafficShift.linear(12.5, Duration.minutes(5)),
      'TestStack/Fn: deployment.trafficShift percentage must be an integer between 1% and 99%, got 12.5%'],
    ['an interval of seconds', TrafficShift.canary(10, Duration.seconds(90)),
      'TestStack/Fn: deployment.trafficShift interval must be a whole number of minutes, at least 1, got 1 minute 30 seconds'],
    ['an interval of 0', TrafficShift.linear(10, Duration.minutes(0)),
      'TestStack/Fn: deployment.trafficShift interval must be a whole number of minutes, at least 1, got 0 minutes'],
  ])('%s is refused, naming the construct path', (_name, trafficShift, message) => {
    expect(() => build({ deployment: { trafficShift } })).toThrow(message);
  });
});

describe('pre- and post-traffic hooks', () => {
  // GIVEN
  const stack = newStack();
  const pre = hook(stack, 'PreTraffic');
  const post = hook(stack, 'PostTraffic');
  // WHEN
  const { template } = build({ deployment: { preTrafficHook: pre.function, postTrafficHook: post.function } }, stack);
  const deploymentGroupArn = {
    'Fn::Join': ['', [
      'arn:', { Ref: 'AWS::Partition' }, ':codedeploy:us-east-1:123456789012:deploymentgroup:',
      ref('FnDeploymentGroupApplication'), '/', ref('FnDeploymentGroup'),
    ]],
  };

  test('CodeDeploy calls them around the traffic shift', () => {
    template.hasResource('AWS::Lambda::Alias', {
      Properties: { Name: 'live', FunctionName: ref('FnFunction') },
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          BeforeAllowTrafficHook: ref('PreTrafficFunction'),
          AfterAllowTrafficHook: ref('PostTrafficFunction'),
        },
      },
    });
  });

  test.each([['pre-traffic', 'PreTraffic'], ['post-traffic', 'PostTraffic']])(
    'the %s hook may report its result on this deployment group, and nothing more, exactly once', (_name, id) => {
      const [, policy] = resourcesOfType(stack, 'AWS::IAM::Policy').find(([logicalId]) => logicalId.startsWith(`${id}ServiceRoleDefaultPolicy`))!;
      const statements = policy.Properties.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action).includes('codedeploy'));
      expect(statements).toHaveLength(1);
      expect(statements[0]).toEqual({
        Effect: 'Allow',
        Action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
        Resource: expect.anything(),
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [ref(`${id}ServiceRole`)],
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
            Resource: deploymentGroupArn,
          }]),
        },
      });
    });

  test('hooks add no circular dependency', () => {
    expect(findCycle(template)).toBeUndefined();
  });

  test('the deployment group\'s role may invoke the two hooks', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref('FnDeploymentGroupServiceRole')],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^PreTrafficFunction'), 'Arn'] }]) }),
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^PostTrafficFunction'), 'Arn'] }]) }),
        ],
      },
    });
  });

  test('lets the hooks in through roles only: four roles (function, two hooks, deployment group), no resource-policy permission', () => {
    const counts = resourceCounts(stack);
    expect(counts['AWS::IAM::Role']).toBe(4);
    expect(counts['AWS::Lambda::Permission']).toBeUndefined();
    expect(snapshotOf(stack)).toMatchSnapshot();
  });
});

describe('rollback settings', () => {
  test('more alarms join the function\'s own', () => {
    const stack = newStack();
    const extra = new cloudwatch.Alarm(stack, 'Latency', {
      metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Latency' }), threshold: 1, evaluationPeriods: 1,
    });
    const { template } = build({ deployment: { alarms: [extra] } }, stack);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Alarms: Match.arrayWith([{ Name: ref('FnAlarmsErrorRate') }, { Name: ref('Latency') }]) },
    });
  });

  test('with the function\'s alarms off, only the given alarms count', () => {
    const stack = newStack();
    const extra = new cloudwatch.Alarm(stack, 'Latency', {
      metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Latency' }), threshold: 1, evaluationPeriods: 1,
    });
    const { template } = build({ alarms: { enabled: false }, deployment: { alarms: [extra] } }, stack);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: ref('Latency') }] },
    });
  });

  test('an alarm can be kept out of rollbacks, and the dead-letter alarm brought in', () => {
    const { template } = build({ alarms: { throttles: { rollback: false }, deadLetterMessages: { rollback: true } }, deployment: {} });
    const alarms = template.findResources('AWS::CodeDeploy::DeploymentGroup');
    const names = JSON.stringify(Object.values(alarms)[0].Properties.AlarmConfiguration.Alarms);
    expect(names).toContain('FnAlarmsDeadLetterMessages');
    expect(names).not.toContain('FnAlarmsThrottles');
  });

  test('without any alarm, only failures roll back, with an acknowledgeable warning', () => {
    const { stack, template } = build({ alarms: { enabled: false }, deployment: {} });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] },
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('The deployment has no alarms'));
  });

  test('a deployment stopped by hand can be left where it stopped', () => {
    const { template } = build({ deployment: { rollbackOnStop: false } });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    });
  });

  test('an existing application and a deployment group name can be given', () => {
    const stack = newStack();
    const application = new codedeploy.LambdaApplication(stack, 'App', { applicationName: 'payments' });
    const { template } = build({ deployment: { application, deploymentGroupName: 'payments-echo' } }, stack);
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { ApplicationName: ref('App'), DeploymentGroupName: 'payments-echo' });
  });
});

describe('versions under a deployment', () => {
  function versionIdOf(handlerDir: string): { versionId: string; aliasVersion: unknown } {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', { code: lambda.Code.fromAsset(handlerDir), handler: 'function.handler', deployment: {} });
    const versions = resourcesOfType(stack, 'AWS::Lambda::Version');
    expect(versions).toHaveLength(1);
    const [, alias] = resourcesOfType(stack, 'AWS::Lambda::Alias')[0];
    return { versionId: versions[0][0], aliasVersion: alias.Properties.FunctionVersion };
  }

  test('a code change still publishes a new version, and the alias (which CodeDeploy shifts) points at it', () => {
    const before = versionIdOf(path.join(FIXTURES, 'handlers', 'echo'));
    const after = versionIdOf(path.join(FIXTURES, 'handlers', 'echo-v2'));
    expect(after.versionId).not.toBe(before.versionId);
    expect(before.aliasVersion).toEqual({ 'Fn::GetAtt': [before.versionId, 'Version'] });
    expect(after.aliasVersion).toEqual({ 'Fn::GetAtt': [after.versionId, 'Version'] });
  });

  test('adding a deployment does not by itself publish a new version', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', base());
    const withDeployment = versionIdOf(path.join(FIXTURES, 'handlers', 'echo'));
    expect(resourcesOfType(stack, 'AWS::Lambda::Version')[0][0]).toBe(withDeployment.versionId);
  });
});
