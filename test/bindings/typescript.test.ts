import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthesizeTypeScript } from './bindings';

// The reference the Python, Java and Go apps are compared with: it must hold everything they are meant to exercise.
describe('the TypeScript bindings app', () => {
  const template = Template.fromJSON(synthesizeTypeScript().template);

  test('has four functions, two of them on the shell runtime layer and one on its own RuntimeLayer', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 2);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { LicenseInfo: 'Apache-2.0', CompatibleArchitectures: ['x86_64'] });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { STAGE: 'test' } } });
  });

  test('shifts the canary with a custom TrafficShift and the scaled function linearly', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 20, CanaryInterval: 10 } },
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
  });

  test('grants, allows a service and adds a function URL on the default function\'s alias', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [expectLogicalId('Nightly'), 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Qualifier: 'live' });
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: expectLogicalId('Caller') }] });
  });

  test('takes the default function as a lambda.IFunction: the rule targets and may invoke its alias', () => {
    const json = template.toJSON().Resources;
    const [target] = json[expectLogicalId('Hourly')].Properties.Targets;
    const aliasId = target.Arn.Ref;
    expect(json[aliasId].Type).toBe('AWS::Lambda::Alias');
    // The same alias the Nightly permission of allowInvokeByService is on: the default function's.
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { Ref: aliasId }, SourceArn: { 'Fn::GetAtt': [expectLogicalId('Nightly'), 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { Ref: aliasId }, Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [expectLogicalId('Hourly'), 'Arn'] },
    });
  });

  test('scales the provisioned concurrency with the load and on a schedule', () => {
    template.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 10,
      ScheduledActions: [{ ScheduledActionName: 'Mornings', Schedule: 'cron(0 8 * * ? *)', ScalableTargetAction: { MinCapacity: 5 } }],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 0.6 },
    });
  });

  test('notifies the topic from the canary\'s alarms', () => {
    // errorRate's own threshold (2 %) sits in the expression of the alarm it shares with duration; throttles, not rolling back, has its own.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: expectLogicalId('OnCall') }],
      Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('100 \\* FILL\\(errors, 0\\) >= 2 \\* FILL\\(invocations, 0\\)') })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: expectLogicalId('OnCall') }],
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(FILL(throttles, 0) >= 1, 1, 0)' })]),
    });
  });

  /** The logical ID of the top-level construct `id`. */
  function expectLogicalId(id: string): string {
    const ids = Object.keys(template.toJSON().Resources).filter(logicalId => new RegExp(`^${id}[0-9A-F]{8}$`).test(logicalId));
    expect(ids).toHaveLength(1);
    return ids[0];
  }
});
