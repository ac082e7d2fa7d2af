import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmSettings, CustomRuntimeFunction, CustomRuntimeFunctionProps, FunctionAlarms, FunctionAlarmsOptions } from '../src';
import { echoCode, newStack, resourcesOfType, snapshotOf } from './util';

/** Fresh props per stack: an asset belongs to one stack. */
const base = () => ({ code: echoCode(), handler: 'function.handler' });

function build(props: Partial<CustomRuntimeFunctionProps> = {}, stack: Stack = newStack()) {
  const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), ...props });
  return { stack, fn, template: Template.fromStack(stack) };
}

/** The alarms of the stack, keyed by their construct ID under `Fn/Alarms`. */
function alarmsOf(stack: Stack): Record<string, any> {
  return Object.fromEntries(resourcesOfType(stack, 'AWS::CloudWatch::Alarm')
    .map(([id, alarm]) => [id.replace(/^FnAlarms/, '').replace(/[0-9A-F]{8}$/, ''), alarm.Properties]));
}

const HEALTH = 'ErrorRateThrottlesDuration';
const ALL = ['AsyncDeliveryFailures', 'DeadLetterMessages', HEALTH];
type AlarmKey = keyof Omit<FunctionAlarmsOptions, 'enabled' | 'alarmTopic'>;
const KEYS: [AlarmKey, string][] = [
  ['errorRate', 'FILL(errors, 0)'], ['throttles', 'FILL(throttles, 0)'], ['duration', 'FILL(duration, 0)'],
  ['deadLetterMessages', 'FILL(deadLetterMessages, 0)'], ['asyncDeliveryFailures', 'FILL(deadLetterErrors, 0)'],
];
const FN_REF = { Ref: expect.stringMatching(/^FnFunction/) };
const aliasMetricStat = (metricName: string, stat: string, period = 60) => ({
  Metric: {
    Namespace: 'AWS/Lambda',
    MetricName: metricName,
    Dimensions: [{ Name: 'FunctionName', Value: FN_REF }, { Name: 'Resource', Value: { 'Fn::Join': ['', [FN_REF, ':live']] } }],
  },
  Period: period,
  Stat: stat,
});
/** The expressions of every alarm of the stack, joined. */
const allExpressions = (stack: Stack) => Object.values(alarmsOf(stack)).map((a) => a.Metrics[0].Expression).join('\n');

describe('the default alarms of a function', () => {
  // GIVEN / WHEN
  const { stack, fn } = build();
  const alarms = alarmsOf(stack);

  test('three metric-math alarms watch the five conditions, without a deployment', () => {
    expect(Object.keys(alarms).sort()).toEqual(ALL);
    expect(fn.alarms!.alarms).toHaveLength(3);
    expect(fn.deploymentGroup).toBeUndefined();
  });

  test('every alarm fires on its IF(...) expression being 1, and treats missing data (no traffic) as fine', () => {
    for (const alarm of Object.values(alarms)) {
      expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, TreatMissingData: 'notBreaching' });
      expect(alarm.Metrics[0]).toMatchObject({ Id: 'expr_1', Expression: expect.stringMatching(/^IF\(.*, 1, 0\)$/) });
      expect(alarm.Metrics[0].ReturnData).not.toBe(false);
    }
  });

  test('error rate (at least 1%), throttles (at least 1) and p99 duration (80% of the 30 s timeout) share one alarm: 2 of 3 minutes', () => {
    expect(alarms[HEALTH]).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(alarms[HEALTH].Metrics[0].Expression).toBe('IF((FILL(errors, 0) > 0 AND 100 * FILL(errors, 0) >= 1 * FILL(invocations, 0))'
      + ' OR FILL(throttles, 0) >= 1 OR FILL(duration, 0) >= 24000, 1, 0)');
    expect(alarms[HEALTH].Metrics.slice(1)).toEqual([
      { Id: 'errors', ReturnData: false, MetricStat: aliasMetricStat('Errors', 'Sum') },
      { Id: 'invocations', ReturnData: false, MetricStat: aliasMetricStat('Invocations', 'Sum') },
      { Id: 'throttles', ReturnData: false, MetricStat: aliasMetricStat('Throttles', 'Sum') },
      { Id: 'duration', ReturnData: false, MetricStat: aliasMetricStat('Duration', 'p99') },
    ]);
    const a = fn.alarms!;
    expect(a.errorRate).toBe(a.throttles);
    expect(a.throttles).toBe(a.duration);
  });

  test('dead-letter messages: at least 1 message visible in the construct\'s queue, 1 of 1 minute', () => {
    expect(alarms.DeadLetterMessages).toMatchObject({ EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    expect(alarms.DeadLetterMessages.Metrics).toEqual([
      expect.objectContaining({ Expression: 'IF(FILL(deadLetterMessages, 0) >= 1, 1, 0)' }),
      {
        Id: 'deadLetterMessages',
        ReturnData: false,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^FnDeadLetterQueue/), 'QueueName'] } }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      },
    ]);
  });

  test('async delivery failures: DeadLetterErrors + DestinationDeliveryFailures of the alias, at least 1 in a minute', () => {
    expect(alarms.AsyncDeliveryFailures).toMatchObject({ EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    expect(alarms.AsyncDeliveryFailures.Metrics).toEqual([
      expect.objectContaining({ Expression: 'IF(FILL(deadLetterErrors, 0) + FILL(destinationDeliveryFailures, 0) >= 1, 1, 0)' }),
      { Id: 'deadLetterErrors', ReturnData: false, MetricStat: aliasMetricStat('DeadLetterErrors', 'Sum') },
      { Id: 'destinationDeliveryFailures', ReturnData: false, MetricStat: aliasMetricStat('DestinationDeliveryFailures', 'Sum') },
    ]);
  });

  test('no alarm action without a topic', () => {
    for (const alarm of Object.values(alarms)) {
      expect(alarm.AlarmActions).toBeUndefined();
    }
  });

  test('the rollback set is every alarm but the dead-letter backlog\'s', () => {
    const a = fn.alarms!;
    expect(a.rollbackAlarms).toEqual([a.errorRate, a.asyncDeliveryFailures]);
    expect(a.alarms).toEqual([a.errorRate, a.deadLetterMessages, a.asyncDeliveryFailures]);
  });
});

describe('tuning and turning off', () => {
  test.each<[AlarmKey, string]>(KEYS)('%s can be turned off alone', (key, watched) => {
    const { stack, fn } = build({ alarms: { [key]: { enabled: false } } });
    expect(allExpressions(stack)).not.toContain(watched);
    for (const [other, otherWatched] of KEYS.filter(([k]) => k !== key)) {
      expect(allExpressions(stack)).toContain(otherWatched);
      expect(fn.alarms![other]).toBeDefined();
    }
    expect(fn.alarms![key]).toBeUndefined();
  });

  test('enabled: false turns every alarm off', () => {
    const { stack, fn } = build({ alarms: { enabled: false } });
    expect(alarmsOf(stack)).toEqual({});
    expect(fn.alarms).toBeUndefined();
  });

  test.each<[AlarmKey, string, AlarmSettings, object, string]>([
    ['errorRate', 'ErrorRate', { threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3, period: Duration.minutes(2) },
      { EvaluationPeriods: 5, DatapointsToAlarm: 3, Metrics: Match.arrayWith([Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Period: 120 }) })]) },
      '>= 5 * FILL(invocations, 0)'],
    ['throttles', 'ThrottlesAsyncDeliveryFailures', { threshold: 10, evaluationPeriods: 1 }, { EvaluationPeriods: 1, DatapointsToAlarm: 1 }, 'FILL(throttles, 0) >= 10'],
    ['duration', 'Duration', { threshold: 50, period: Duration.minutes(5) },
      { EvaluationPeriods: 3, DatapointsToAlarm: 2, Metrics: Match.arrayWith([Match.objectLike({ Id: 'duration', MetricStat: Match.objectLike({ Period: 300 }) })]) },
      'FILL(duration, 0) >= 15000'],
    ['deadLetterMessages', 'DeadLetterMessages', { threshold: 100, evaluationPeriods: 3 }, { EvaluationPeriods: 3, DatapointsToAlarm: 1 }, 'FILL(deadLetterMessages, 0) >= 100'],
    ['asyncDeliveryFailures', 'AsyncDeliveryFailures', { threshold: 3, datapointsToAlarm: 1, evaluationPeriods: 2 },
      { EvaluationPeriods: 2, DatapointsToAlarm: 1 }, 'FILL(destinationDeliveryFailures, 0) >= 3'],
  ])('%s can be tuned; settings of its own give it an alarm of its own', (key, id, settings, expected, condition) => {
    const { stack, fn } = build({ alarms: { [key]: settings } });
    const alarms = alarmsOf(stack);
    expect(Object.keys(alarms)).toContain(id);
    expect(alarms[id].Metrics[0].Expression).toContain(condition);
    expect(allExpressions(stack).split(condition)).toHaveLength(2);
    Template.fromJSON({ Resources: { A: { Type: 'AWS::CloudWatch::Alarm', Properties: alarms[id] } } })
      .hasResourceProperties('AWS::CloudWatch::Alarm', expected);
    expect(fn.alarms![key]!.node.id).toBe(id);
  });

  test('a condition whose rollback differs gets its own alarm, which leaves the rollback set', () => {
    const { stack, fn } = build({ alarms: { throttles: { rollback: false } } });
    expect(Object.keys(alarmsOf(stack)).sort()).toEqual(['AsyncDeliveryFailures', 'DeadLetterMessages', 'ErrorRateDuration', 'Throttles']);
    expect(fn.alarms!.rollbackAlarms).not.toContain(fn.alarms!.throttles);
    expect(fn.alarms!.rollbackAlarms).toContain(fn.alarms!.errorRate);
  });

  test('the duration threshold follows the function\'s timeout', () => {
    const { stack } = build({ timeout: Duration.minutes(2), alarms: { duration: { threshold: 90 } } });
    expect(alarmsOf(stack)[HEALTH].Metrics[0].Expression).toContain('FILL(duration, 0) >= 108000');
  });

  test('with the timeout unknown at synth, the duration condition is skipped with a warning, never guessed', () => {
    const { stack, fn } = build({ timeout: Duration.seconds(Lazy.number({ produce: () => 60 })) });
    expect(fn.alarms!.duration).toBeUndefined();
    expect(allExpressions(stack)).not.toContain('duration');
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn/Alarms', Match.stringLikeRegexp('duration alarm.*was not created'));
  });

  test('without a dead-letter queue there is no dead-letter condition', () => {
    const { stack } = build({ deadLetterQueueEnabled: false });
    expect(Object.keys(alarmsOf(stack)).sort()).toEqual(['AsyncDeliveryFailures', HEALTH]);
  });

  test('a dead-letter topic has no backlog to watch; its delivery failures still count', () => {
    const stack = newStack();
    const { fn } = build({ deadLetterTopic: new sns.Topic(stack, 'Topic') }, stack);
    expect(fn.alarms!.deadLetterMessages).toBeUndefined();
    expect(fn.alarms!.asyncDeliveryFailures).toBeDefined();
  });

  test('the user\'s dead-letter queue is watched', () => {
    const stack = newStack();
    build({ deadLetterQueue: new sqs.Queue(stack, 'Mine', { enforceSSL: true }), onFailure: new destinations.SqsDestination(new sqs.Queue(stack, 'Failures')) }, stack);
    expect(alarmsOf(stack).DeadLetterMessages.Metrics[1].MetricStat.Metric.Dimensions)
      .toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'QueueName'] } }]);
  });

  test('a topic is notified when any alarm fires and when it recovers', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'OnCall');
    const { stack: s } = build({ alarms: { alarmTopic: topic } }, stack);
    const alarms = alarmsOf(s);
    expect(Object.keys(alarms)).toHaveLength(3);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^OnCall/) }]);
      expect(alarm.OKActions).toEqual([{ Ref: expect.stringMatching(/^OnCall/) }]);
    }
  });

  test('tuned thresholds and periods reach the alarms, a disabled alarm is left out, and the topic is every alarm\'s action', () => {
    const stack = newStack();
    build({
      alarms: {
        alarmTopic: new sns.Topic(stack, 'OnCall'),
        errorRate: { threshold: 2.5 },
        throttles: { enabled: false },
        duration: { threshold: 90, period: Duration.minutes(5), evaluationPeriods: 1 },
        deadLetterMessages: { rollback: true },
      },
    }, stack);
    const alarms = alarmsOf(stack);
    expect(Object.keys(alarms).sort()).toEqual(ALL.filter(a => a !== 'Throttles'));
    expect(alarms.ErrorRate.Threshold).toBe(2.5);
    expect(alarms.Duration).toMatchObject({ Threshold: 27000, Period: 300, EvaluationPeriods: 1 }); // 90% of the 30-second timeout
    for (const alarm of Object.values(alarms)) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^OnCall/) }]);
    }
    expect(snapshotOf(stack)).toMatchSnapshot();
  });
});

describe('invalid alarm settings fail at synth, naming the construct path', () => {
  test.each<[string, FunctionAlarmsOptions, string]>([
    ['error rate of 0%', { errorRate: { threshold: 0 } }, 'TestStack/Fn/Alarms: errorRate.threshold must be greater than 0% and at most 100%, got 0%'],
    ['error rate over 100%', { errorRate: { threshold: 101 } }, 'TestStack/Fn/Alarms: errorRate.threshold must be greater than 0% and at most 100%, got 101%'],
    ['duration over 100% of the timeout', { duration: { threshold: 120 } }, 'TestStack/Fn/Alarms: duration.threshold must be greater than 0% and at most 100%, got 120%'],
    ['throttles below 1', { throttles: { threshold: 0 } }, 'TestStack/Fn/Alarms: throttles.threshold must be at least 1, got 0'],
    ['dead-letter messages below 1', { deadLetterMessages: { threshold: 0.5 } }, 'TestStack/Fn/Alarms: deadLetterMessages.threshold must be at least 1, got 0.5'],
    ['async failures below 1', { asyncDeliveryFailures: { threshold: -1 } }, 'TestStack/Fn/Alarms: asyncDeliveryFailures.threshold must be at least 1, got -1'],
    ['a period of seconds', { errorRate: { period: Duration.seconds(30) } },
      'TestStack/Fn/Alarms: errorRate.period must be a whole number of minutes, between 1 and 1440, got 30 seconds'],
    ['a period over a day', { throttles: { period: Duration.hours(25) } },
      'TestStack/Fn/Alarms: throttles.period must be a whole number of minutes, between 1 and 1440, got 1 day 1 hour'],
    ['no evaluation period', { duration: { evaluationPeriods: 0 } }, 'TestStack/Fn/Alarms: duration.evaluationPeriods must be an integer between 1 and 1440, got 0'],
    ['more than a day of periods', { duration: { period: Duration.hours(1), evaluationPeriods: 25 } },
      'TestStack/Fn/Alarms: duration.evaluationPeriods must be an integer between 1 and 24, got 25'],
    ['more datapoints than periods', { errorRate: { datapointsToAlarm: 4 } }, 'TestStack/Fn/Alarms: errorRate.datapointsToAlarm must be an integer between 1 and 3, got 4'],
  ])('%s', (_name, alarms, message) => {
    expect(() => build({ alarms })).toThrow(message);
  });

  test('a turned-off alarm\'s threshold is still checked (a typo should not hide)', () => {
    expect(() => build({ alarms: { errorRate: { enabled: false, threshold: 500 } } })).toThrow(/errorRate.threshold must be/);
  });

  test('tokens are skipped, never guessed', () => {
    expect(() => build({ alarms: { errorRate: { threshold: Lazy.number({ produce: () => 500 }) } } })).not.toThrow();
  });
});

describe('metric helpers on the function', () => {
  // GIVEN
  const stack = newStack();
  const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), alarms: { enabled: false } });
  const resolve = (m: cloudwatch.IMetric) => stack.resolve((m as cloudwatch.Metric).toMetricConfig().metricStat);

  test.each<[string, (o?: cloudwatch.MetricOptions) => cloudwatch.Metric, string, string]>([
    ['metricInvocations', o => fn.metricInvocations(o), 'Invocations', 'Sum'],
    ['metricErrors', o => fn.metricErrors(o), 'Errors', 'Sum'],
    ['metricThrottles', o => fn.metricThrottles(o), 'Throttles', 'Sum'],
    ['metricDuration', o => fn.metricDuration(o), 'Duration', 'Average'],
    ['metricConcurrentExecutions', o => fn.metricConcurrentExecutions(o), 'ConcurrentExecutions', 'Maximum'],
    ['metricProvisionedConcurrencySpilloverInvocations', o => fn.metricProvisionedConcurrencySpilloverInvocations(o), 'ProvisionedConcurrencySpilloverInvocations', 'Sum'],
    ['metricDeadLetterErrors', o => fn.metricDeadLetterErrors(o), 'DeadLetterErrors', 'Sum'],
    ['metricDestinationDeliveryFailures', o => fn.metricDestinationDeliveryFailures(o), 'DestinationDeliveryFailures', 'Sum'],
  ])('%s is the alias metric, with its default statistic over 5 minutes, and takes options', (_name, metricOf, metricName, statistic) => {
    const functionName = stack.resolve(fn.function.functionName);
    expect(resolve(metricOf())).toEqual({
      namespace: 'AWS/Lambda',
      metricName,
      dimensions: [
        { name: 'FunctionName', value: functionName },
        { name: 'Resource', value: { 'Fn::Join': ['', [functionName, ':live']] } },
      ],
      period: Duration.minutes(5),
      statistic,
      account: undefined,
      region: undefined,
    });
    expect(resolve(metricOf({ statistic: 'p90', period: Duration.minutes(1) }))).toMatchObject({ statistic: 'p90', period: Duration.minutes(1) });
  });

  test('metric() reads any Lambda metric of the alias, averaged by default', () => {
    expect(resolve(fn.metric('AsyncEventsDropped'))).toMatchObject({ metricName: 'AsyncEventsDropped', statistic: 'Average', period: Duration.minutes(5) });
  });

  test('metricErrorRate is errors over invocations, in percent', () => {
    const rate = fn.metricErrorRate();
    expect(rate.expression).toBe('100 * errors / invocations');
    expect(rate.period.toMinutes()).toBe(5);
    expect(resolve(rate.usingMetrics.errors)).toMatchObject({ metricName: 'Errors', statistic: 'Sum', period: Duration.minutes(5) });
    expect(resolve(rate.usingMetrics.invocations)).toMatchObject({ metricName: 'Invocations', statistic: 'Sum', period: Duration.minutes(5) });
    expect(fn.metricErrorRate({ period: Duration.minutes(1) }).period.toMinutes()).toBe(1);
  });

  test('the metrics never name the alias resource (no dependency on it)', () => {
    const [aliasId] = resourcesOfType(stack, 'AWS::Lambda::Alias')[0];
    expect(JSON.stringify(resolve(fn.metricErrors()))).not.toContain(aliasId);
  });
});

describe('FunctionAlarms on its own', () => {
  test('watches any alias; without a timeout or queue, those alarms are left out', () => {
    // GIVEN
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Plain', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
    const alias = new lambda.Alias(stack, 'Prod', { aliasName: 'prod', version: fn.currentVersion });
    // WHEN
    const alarms = new FunctionAlarms(stack, 'Alarms', { alias });
    // THEN
    expect(alarms.alarms.map(a => a.node.id)).toEqual(['ErrorRateThrottles', 'AsyncDeliveryFailures']);
    const [, alarm] = resourcesOfType(stack, 'AWS::CloudWatch::Alarm').find(([id]) => id.startsWith('AlarmsErrorRateThrottles'))!;
    expect(alarm.Properties.Metrics.find((m: any) => m.Id === 'throttles').MetricStat.Metric.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^Plain/) } },
      { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^Plain/) }, ':prod']] } },
    ]);
  });
});
