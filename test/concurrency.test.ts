import { Annotations as CoreAnnotations, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { CustomRuntimeFunction, CustomRuntimeFunctionProps, ProvisionedConcurrencyScalingOptions } from '../src';
import { echoCode, newStack, resourcesOfType, snapshotOf } from './util';

/** Fresh props per stack: an asset belongs to one stack. */
const base = () => ({ code: echoCode(), handler: 'function.handler' });

function build(props: Partial<CustomRuntimeFunctionProps> = {}, stack: Stack = newStack()) {
  const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), ...props });
  return { stack, fn, template: Template.fromStack(stack) };
}

const ALIAS_RESOURCE_ID = {
  'Fn::Join': ['', ['function:', { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: Match.stringLikeRegexp('^FnAlias') }] }] }, ':live']],
};
const weekdays = (hour: string) => appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour, minute: '0' });

describe('reserved concurrency', () => {
  test('goes on the function, not on the alias', () => {
    const { stack, template } = build({ reservedConcurrentExecutions: 25 });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 25 });
    const [, alias] = resourcesOfType(stack, 'AWS::Lambda::Alias')[0];
    expect(JSON.stringify(alias)).not.toContain('Concurren');
  });

  test('0 still stops the function with an acknowledgeable warning', () => {
    const { stack, fn } = build({ reservedConcurrentExecutions: 0 });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('function is stopped'));
    CoreAnnotations.of(fn).acknowledgeWarning('cdk-custom-runtime:reservedConcurrencyZero', 'maintenance switch');
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Fn', Match.stringLikeRegexp('function is stopped'));
  });
});

describe('provisioned concurrency without auto scaling', () => {
  // GIVEN / WHEN
  const { stack, fn, template } = build({ reservedConcurrentExecutions: 10, provisionedConcurrentExecutions: 4 });

  test('is set on the alias, never on a version', () => {
    template.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 4 } });
    const [, version] = resourcesOfType(stack, 'AWS::Lambda::Version')[0];
    expect(version.Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('has no scalable target', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(fn.provisionedConcurrencyScaling).toBeUndefined();
  });
});

describe('provisioned concurrency with auto scaling', () => {
  // GIVEN / WHEN
  const { stack, fn, template } = build({
    reservedConcurrentExecutions: 50,
    provisionedConcurrentExecutions: 5,
    provisionedConcurrencyScaling: {
      maxCapacity: 40,
      utilizationTarget: 0.6,
      schedules: [
        { name: 'OfficeHours', schedule: weekdays('8'), minCapacity: 20 },
        { name: 'Evening', schedule: weekdays('19'), minCapacity: 5, maxCapacity: 10 },
      ],
    },
  });

  test('registers the alias as a scalable target, from provisionedConcurrentExecutions up to maxCapacity', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      ResourceId: ALIAS_RESOURCE_ID,
      MinCapacity: 5,
      MaxCapacity: 40,
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 } });
    expect(fn.provisionedConcurrencyScaling).toBeDefined();
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('tracks provisioned concurrency utilization', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: Match.stringLikeRegexp('^FnAliasAliasScalingTarget') },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        TargetValue: 0.6,
      },
    });
  });

  test('schedules change the bounds', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        { ScheduledActionName: 'OfficeHours', Schedule: 'cron(0 8 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 20 } },
        { ScheduledActionName: 'Evening', Schedule: 'cron(0 19 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 5, MaxCapacity: 10 } },
      ],
    });
  });
});

describe('auto scaling defaults', () => {
  test('minCapacity 1 and a 0.7 utilization target without provisionedConcurrentExecutions', () => {
    const { template } = build({ provisionedConcurrencyScaling: { maxCapacity: 3 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 3, ScheduledActions: Match.absent() });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.7 }) });
    template.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: Match.absent() });
  });

  test('an explicit minCapacity wins over provisionedConcurrentExecutions', () => {
    const { template } = build({ provisionedConcurrentExecutions: 4, provisionedConcurrencyScaling: { minCapacity: 2, maxCapacity: 8 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 8 });
  });

  test('works together with a deployment; the scalable target follows the alias', () => {
    const { stack, template } = build({ provisionedConcurrentExecutions: 2, provisionedConcurrencyScaling: { maxCapacity: 4 }, deployment: {} });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 1);
    const [, target] = resourcesOfType(stack, 'AWS::ApplicationAutoScaling::ScalableTarget')[0];
    expect(JSON.stringify(target.Properties.ResourceId)).toMatch(/"Ref":"FnAlias/);
    // The update policy names the deployment group, which names the alarms, which name only the function.
    template.hasResource('AWS::Lambda::Alias', { UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() } });
    for (const [, alarm] of resourcesOfType(stack, 'AWS::CloudWatch::Alarm')) {
      expect(JSON.stringify(alarm)).not.toMatch(/FnAlias|ScalingTarget/);
    }
  });
});

describe('refused combinations, naming the construct path', () => {
  const at = (hour: string) => weekdays(hour);
  test.each<[string, Partial<CustomRuntimeFunctionProps>, string]>([
    ['provisioned above reserved', { reservedConcurrentExecutions: 5, provisionedConcurrentExecutions: 10 },
      'TestStack/Fn: provisionedConcurrentExecutions must be between 1 and reservedConcurrentExecutions (5), got 10'],
    ['auto scaling max above reserved', { reservedConcurrentExecutions: 20, provisionedConcurrencyScaling: { maxCapacity: 30 } },
      'TestStack/Fn: provisionedConcurrencyScaling.maxCapacity must be at most reservedConcurrentExecutions (20), got 30'],
    ['auto scaling min above max', { provisionedConcurrencyScaling: { minCapacity: 10, maxCapacity: 5 } },
      'TestStack/Fn: provisionedConcurrencyScaling.minCapacity must be at most provisionedConcurrencyScaling.maxCapacity (5), got 10'],
    ['provisioned (the default min) above max', { provisionedConcurrentExecutions: 8, provisionedConcurrencyScaling: { maxCapacity: 5 } },
      'TestStack/Fn: provisionedConcurrentExecutions, the default provisionedConcurrencyScaling.minCapacity, must be at most provisionedConcurrencyScaling.maxCapacity (5), got 8'],
    ['provisioned outside the bounds', { provisionedConcurrentExecutions: 1, provisionedConcurrencyScaling: { minCapacity: 2, maxCapacity: 5 } },
      'TestStack/Fn: provisionedConcurrentExecutions must be between provisionedConcurrencyScaling.minCapacity (2) and provisionedConcurrencyScaling.maxCapacity (5), got 1'],
    ['auto scaling min of 0', { provisionedConcurrencyScaling: { minCapacity: 0, maxCapacity: 5 } },
      'TestStack/Fn: provisionedConcurrencyScaling.minCapacity must be at least 1, got 0 (provisioned concurrency scaled to 0 makes the next deployment fail with ProvisionedConcurrencyConfigNotFoundException, aws-cdk #29992)'],
    ['auto scaling max of 0', { provisionedConcurrencyScaling: { maxCapacity: 0 } },
      'TestStack/Fn: provisionedConcurrencyScaling.maxCapacity must be at least 1, got 0'],
    ['a utilization target above 0.9', { provisionedConcurrencyScaling: { maxCapacity: 5, utilizationTarget: 0.95 } },
      'TestStack/Fn: provisionedConcurrencyScaling.utilizationTarget must be between 0.1 and 0.9, got 0.95'],
    ['a utilization target in percent', { provisionedConcurrencyScaling: { maxCapacity: 5, utilizationTarget: 70 } },
      'TestStack/Fn: provisionedConcurrencyScaling.utilizationTarget must be between 0.1 and 0.9, got 70'],
    ['a schedule scaling to 0', { provisionedConcurrencyScaling: { maxCapacity: 5, schedules: [{ name: 'Night', schedule: at('20'), minCapacity: 0, maxCapacity: 0 }] } },
      'TestStack/Fn: provisionedConcurrencyScaling.schedules[0].minCapacity must be at least 1, got 0 (provisioned concurrency scaled to 0 makes the next deployment fail with ProvisionedConcurrencyConfigNotFoundException, aws-cdk #29992)'],
    ['a schedule capping at 0', { provisionedConcurrencyScaling: { maxCapacity: 5, schedules: [{ name: 'Night', schedule: at('20'), maxCapacity: 0 }] } },
      'TestStack/Fn: provisionedConcurrencyScaling.schedules[0].maxCapacity must be at least 1, got 0 (provisioned concurrency scaled to 0'],
    ['a schedule with neither bound', { provisionedConcurrencyScaling: { maxCapacity: 5, schedules: [{ name: 'Night', schedule: at('20') }] } },
      'TestStack/Fn: provisionedConcurrencyScaling.schedules[0] must set minCapacity, maxCapacity or both, got neither'],
    ['a schedule with min above max', { provisionedConcurrencyScaling: { maxCapacity: 5, schedules: [{ name: 'Day', schedule: at('8'), minCapacity: 4, maxCapacity: 3 }] } },
      'TestStack/Fn: provisionedConcurrencyScaling.schedules[0].minCapacity must be at most its maxCapacity (3), got 4'],
    ['a schedule above reserved', { reservedConcurrentExecutions: 10, provisionedConcurrencyScaling: { maxCapacity: 5, schedules: [{ name: 'Peak', schedule: at('8'), maxCapacity: 12 }] } },
      'TestStack/Fn: provisionedConcurrencyScaling.schedules[0].maxCapacity must be at most reservedConcurrentExecutions (10), got 12'],
    ['a schedule min above reserved', { reservedConcurrentExecutions: 10, provisionedConcurrencyScaling: { maxCapacity: 5, schedules: [{ name: 'Peak', schedule: at('8'), minCapacity: 11 }] } },
      'TestStack/Fn: provisionedConcurrencyScaling.schedules[0].minCapacity must be at most reservedConcurrentExecutions (10), got 11'],
    ['two schedules with one name', {
      provisionedConcurrencyScaling: {
        maxCapacity: 5,
        schedules: [{ name: 'Day', schedule: at('8'), minCapacity: 2 }, { name: 'Day', schedule: at('9'), minCapacity: 3 }],
      },
    }, 'TestStack/Fn: provisionedConcurrencyScaling.schedules[1].name must be unique among the schedules, got "Day" twice'],
    ['a schedule name with a slash', { provisionedConcurrencyScaling: { maxCapacity: 5, schedules: [{ name: 'day/night', schedule: at('8'), minCapacity: 2 }] } },
      'TestStack/Fn: provisionedConcurrencyScaling.schedules[0].name must be 1 to 256 letters, digits, "-" or "_", got "day/night"'],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('the bounds themselves are accepted', () => {
    const scaling: ProvisionedConcurrencyScalingOptions = {
      minCapacity: 10,
      maxCapacity: 10,
      utilizationTarget: 0.9,
      schedules: [{ name: 'Peak', schedule: weekdays('8'), minCapacity: 10, maxCapacity: 10 }],
    };
    expect(() => build({ reservedConcurrentExecutions: 10, provisionedConcurrentExecutions: 10, provisionedConcurrencyScaling: scaling }))
      .not.toThrow();
    expect(() => build({ provisionedConcurrencyScaling: { maxCapacity: 1, utilizationTarget: 0.1 } })).not.toThrow();
  });

  test('tokens are skipped, never guessed', () => {
    const big = Lazy.number({ produce: () => 1000 });
    expect(() => build({
      reservedConcurrentExecutions: Lazy.number({ produce: () => 1 }),
      provisionedConcurrentExecutions: 900, // aws-cdk-lib's Alias itself refuses a token here
      provisionedConcurrencyScaling: { maxCapacity: big, utilizationTarget: Lazy.number({ produce: () => 5 }) },
    })).not.toThrow();
  });
});
