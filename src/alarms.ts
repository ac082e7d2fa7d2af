import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { aliasMetric } from './private/alias-metrics';
import { InvalidPropertyError } from './private/errors';
import { checkAbove, checkAtLeast, checkRange, checkWholeMinutes } from './private/validation';

/**
 * The settings of one watched condition. Every field is optional: what is not set keeps the condition's default,
 * documented on the property of `FunctionAlarmsOptions` that holds these settings.
 *
 * A condition breaches in a period when its value is greater than or equal to the threshold; a metric
 * without data (no invocations) counts as 0, so it never breaches. Conditions whose `period`,
 * `evaluationPeriods`, `datapointsToAlarm` and `rollback` are equal share one alarm, which fires when any
 * of them breaches in `datapointsToAlarm` of the last `evaluationPeriods` periods.
 */
export interface AlarmSettings {
  /**
   * Whether to watch the condition.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The value at or above which a period breaches. Its unit depends on the alarm.
   *
   * @default - the alarm's default threshold
   */
  readonly threshold?: number;

  /**
   * The length of one evaluated period. A whole number of minutes, at least 1 minute.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How many of the latest periods are evaluated. At least 1; `evaluationPeriods` times `period` at most one day.
   *
   * @default - the alarm's default (3 for error rate, throttles and duration; 1 for the others)
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach for the alarm to fire. Between 1 and `evaluationPeriods`.
   *
   * @default - the alarm's default (2 for error rate, throttles and duration; 1 for the others)
   */
  readonly datapointsToAlarm?: number;

  /**
   * Whether a CodeDeploy deployment of the function stops and rolls back when this condition fires.
   * Only matters when the function has a `deployment`.
   *
   * @default - true, except for the dead-letter messages condition
   */
  readonly rollback?: boolean;
}

/**
 * Which conditions the alarms on a function's alias watch, and with which settings.
 *
 * With the defaults, three alarms: one for error rate, throttles and duration (2 of 3 one-minute periods; rolls a
 * deployment back), one for lost asynchronous events (1 of 1; rolls back) and one for dead-letter messages (1 of 1;
 * does not roll back).
 *
 * The alarms watch the alias (metrics with the dimensions `FunctionName` and
 * `Resource` = `<function>:<alias>`), so they see every invocation that callers make through it,
 * including those routed to a new version during a CodeDeploy traffic shift.
 */
export interface FunctionAlarmsOptions {
  /**
   * Whether to create any alarm at all. `false` turns every alarm off; a `CustomRuntimeFunction` refuses other
   * settings next to it, which would be ignored.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Error rate: `100 * Errors / Invocations` (Sum of each), in percent of invocations. Threshold: greater than 0, at most 100.
   *
   * @default - on: 1 (%) in 2 of 3 one-minute periods; rolls a deployment back
   */
  readonly errorRate?: AlarmSettings;

  /**
   * Throttled invocations (`Throttles`, Sum). Threshold: a count, at least 1.
   *
   * @default - on: 1 throttle per minute in 2 of 3 one-minute periods; rolls a deployment back
   */
  readonly throttles?: AlarmSettings;

  /**
   * Duration near the timeout: the 99th percentile of `Duration`, with the threshold in percent of the
   * function's timeout. Threshold: greater than 0, at most 100.
   *
   * @default - on: p99 at 80 (%) of the timeout in 2 of 3 one-minute periods; rolls a deployment back
   */
  readonly duration?: AlarmSettings;

  /**
   * Messages waiting in the dead-letter queue (`ApproximateNumberOfMessagesVisible`, Maximum): asynchronous
   * events that failed every attempt. Only when there is a dead-letter queue. Threshold: a count, at least 1.
   *
   * It does not roll deployments back by default: it measures a backlog, not the current version, and
   * a message left from an earlier failure would otherwise stop every deployment until the queue is drained.
   *
   * @default - on when there is a dead-letter queue: 1 message in 1 one-minute period; does not roll a deployment back
   */
  readonly deadLetterMessages?: AlarmSettings;

  /**
   * Asynchronous events that could not be handed on: `DeadLetterErrors` (the event could not be sent to the
   * dead-letter queue or topic) plus `DestinationDeliveryFailures` (the result could not be sent to an
   * `onSuccess`/`onFailure` destination), Sum of each. Such events are lost. Threshold: a count, at least 1.
   *
   * @default - on: 1 per minute in 1 one-minute period; rolls a deployment back
   */
  readonly asyncDeliveryFailures?: AlarmSettings;

  /**
   * An SNS topic notified when any of these alarms fires and when it recovers (alarm and OK actions).
   *
   * @default - no notification; the alarms only show in CloudWatch (and stop deployments)
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Properties of `FunctionAlarms`.
 */
export interface FunctionAlarmsProps extends FunctionAlarmsOptions {
  /**
   * The alias to watch. Only its name and its function's name are used, never the alias resource itself.
   */
  readonly alias: lambda.IAlias;

  /**
   * The function's timeout, which the duration alarm's threshold is a percentage of.
   *
   * @default - no duration alarm
   */
  readonly timeout?: Duration;

  /**
   * The function's dead-letter queue.
   *
   * @default - no dead-letter queue alarm
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** A condition's settings with every default filled in. */
interface ResolvedSettings {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly rollback: boolean;
}

/** The defaults of each condition, as documented on `FunctionAlarmsOptions`. */
const DEFAULTS = {
  errorRate: { threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2, rollback: true },
  throttles: { threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2, rollback: true },
  duration: { threshold: 80, evaluationPeriods: 3, datapointsToAlarm: 2, rollback: true },
  deadLetterMessages: { threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, rollback: false },
  asyncDeliveryFailures: { threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, rollback: true },
};

/** CloudWatch evaluates at most one day of periods. */
const MAX_EVALUATION_MINUTES = 24 * 60;

/** One watched condition: a boolean metric-math expression over its own metrics. */
interface Condition {
  readonly key: keyof typeof DEFAULTS;
  /** The construct ID part, `ErrorRate`. */
  readonly id: string;
  readonly settings: ResolvedSettings;
  /** Metric-math ids (unique over every condition) and their metrics. */
  readonly metrics: Record<string, cloudwatch.IMetric>;
  /** True (1) in a breaching period. Missing data is filled with 0, so one idle metric never hides another's breach. */
  readonly expression: string;
  readonly description: string;
}

/**
 * CloudWatch alarms on a Lambda alias: error rate, throttles, duration near the timeout, messages waiting
 * in the dead-letter queue and lost asynchronous events. Each condition can be tuned or turned off.
 *
 * Conditions evaluated the same way (same `period`, `evaluationPeriods`, `datapointsToAlarm` and `rollback`)
 * share one metric-math alarm, `IF(condition1 OR condition2 ..., 1, 0) >= 1`, so a default function has three
 * alarms instead of five: error rate, throttles and duration (2 of 3 minutes, rolls back); lost asynchronous
 * events (1 of 1 minute, rolls back); dead-letter messages (1 of 1 minute, does not roll back).
 * Each condition breaches exactly when its own alarm did before. Give a condition settings of its own to
 * give it an alarm of its own.
 *
 * The alarms are built on metrics (function name and alias name), not on the alias resource, so they can
 * gate a CodeDeploy deployment of that same alias without a circular dependency. `rollbackAlarms` lists
 * those meant to stop and roll back a deployment.
 */
export class FunctionAlarms extends Construct {
  /**
   * The alarm that watches the error rate (it may watch other conditions too).
   *
   * @default - none when turned off
   */
  public readonly errorRate?: cloudwatch.Alarm;

  /**
   * The alarm that watches throttles (it may watch other conditions too).
   *
   * @default - none when turned off
   */
  public readonly throttles?: cloudwatch.Alarm;

  /**
   * The alarm that watches the duration near the timeout (it may watch other conditions too).
   *
   * @default - none when turned off, or when the timeout is unknown at synth
   */
  public readonly duration?: cloudwatch.Alarm;

  /**
   * The alarm that watches the dead-letter queue (it may watch other conditions too).
   *
   * @default - none when turned off or when there is no dead-letter queue
   */
  public readonly deadLetterMessages?: cloudwatch.Alarm;

  /**
   * The alarm that watches lost asynchronous events (it may watch other conditions too).
   *
   * @default - none when turned off
   */
  public readonly asyncDeliveryFailures?: cloudwatch.Alarm;

  /** Every alarm created, each once. */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The alarms that stop and roll back a CodeDeploy deployment (those whose conditions' `rollback` is true). */
  public readonly rollbackAlarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const on = props.enabled !== false;
    const settings = {
      errorRate: this.resolve('errorRate', props.errorRate, DEFAULTS.errorRate, on),
      throttles: this.resolve('throttles', props.throttles, DEFAULTS.throttles, on),
      duration: this.resolve('duration', props.duration, DEFAULTS.duration, on && props.timeout !== undefined),
      deadLetterMessages: this.resolve('deadLetterMessages', props.deadLetterMessages, DEFAULTS.deadLetterMessages, on && props.deadLetterQueue !== undefined),
      asyncDeliveryFailures: this.resolve('asyncDeliveryFailures', props.asyncDeliveryFailures, DEFAULTS.asyncDeliveryFailures, on),
    };
    checkAbove(this, 'errorRate.threshold', props.errorRate?.threshold, 0, 100, '%');
    checkAtLeast(this, 'throttles.threshold', props.throttles?.threshold, 1);
    checkAbove(this, 'duration.threshold', props.duration?.threshold, 0, 100, '%');
    checkAtLeast(this, 'deadLetterMessages.threshold', props.deadLetterMessages?.threshold, 1);
    checkAtLeast(this, 'asyncDeliveryFailures.threshold', props.asyncDeliveryFailures?.threshold, 1);

    const functionName = props.alias.version.lambda.functionName;
    const aliasName = props.alias.aliasName;
    const where = `${functionName}:${aliasName}`;
    const metric = (metricName: string, statistic: string, s: ResolvedSettings) =>
      aliasMetric(functionName, aliasName, metricName, { statistic, period: s.period });

    const conditions: Condition[] = [];
    const add = (condition: Condition) => { if (condition.settings.enabled) { conditions.push(condition); } };
    const s = settings;
    add({
      key: 'errorRate',
      id: 'ErrorRate',
      settings: s.errorRate,
      metrics: { errors: metric('Errors', cloudwatch.Stats.SUM, s.errorRate), invocations: metric('Invocations', cloudwatch.Stats.SUM, s.errorRate) },
      // 100 * errors / invocations >= t, without dividing by zero when there is no invocation.
      expression: `(FILL(errors, 0) > 0 AND 100 * FILL(errors, 0) >= ${s.errorRate.threshold} * FILL(invocations, 0))`,
      description: `errors are at least ${s.errorRate.threshold}% of the invocations`,
    });
    add({
      key: 'throttles',
      id: 'Throttles',
      settings: s.throttles,
      metrics: { throttles: metric('Throttles', cloudwatch.Stats.SUM, s.throttles) },
      expression: `FILL(throttles, 0) >= ${s.throttles.threshold}`,
      description: `at least ${s.throttles.threshold} invocation(s) per ${s.throttles.period.toHumanString()} are throttled`,
    });
    if (s.duration.enabled) {
      this.durationCondition(s.duration, props.timeout!, metric('Duration', cloudwatch.Stats.p(99), s.duration), add);
    }
    if (props.deadLetterQueue) {
      add({
        key: 'deadLetterMessages',
        id: 'DeadLetterMessages',
        settings: s.deadLetterMessages,
        metrics: {
          deadLetterMessages: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            period: s.deadLetterMessages.period,
          }),
        },
        expression: `FILL(deadLetterMessages, 0) >= ${s.deadLetterMessages.threshold}`,
        description: `at least ${s.deadLetterMessages.threshold} failed asynchronous event(s) wait in the dead-letter queue`,
      });
    }
    add({
      key: 'asyncDeliveryFailures',
      id: 'AsyncDeliveryFailures',
      settings: s.asyncDeliveryFailures,
      metrics: {
        deadLetterErrors: metric('DeadLetterErrors', cloudwatch.Stats.SUM, s.asyncDeliveryFailures),
        destinationDeliveryFailures: metric('DestinationDeliveryFailures', cloudwatch.Stats.SUM, s.asyncDeliveryFailures),
      },
      expression: `FILL(deadLetterErrors, 0) + FILL(destinationDeliveryFailures, 0) >= ${s.asyncDeliveryFailures.threshold}`,
      description: `at least ${s.asyncDeliveryFailures.threshold} asynchronous event(s) could not be delivered to the dead-letter target or a destination (they are lost)`,
    });

    const alarms: cloudwatch.Alarm[] = [];
    const rollbackAlarms: cloudwatch.Alarm[] = [];
    const watching: Partial<Record<keyof typeof DEFAULTS, cloudwatch.Alarm>> = {};
    for (const group of groupByEvaluation(conditions)) {
      const alarm = this.alarm(group, where);
      alarms.push(alarm);
      if (group[0].settings.rollback) { rollbackAlarms.push(alarm); }
      group.forEach((c) => { watching[c.key] = alarm; });
    }
    this.errorRate = watching.errorRate;
    this.throttles = watching.throttles;
    this.duration = watching.duration;
    this.deadLetterMessages = watching.deadLetterMessages;
    this.asyncDeliveryFailures = watching.asyncDeliveryFailures;
    this.alarms = alarms;
    this.rollbackAlarms = rollbackAlarms;
    if (props.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(props.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }

  private resolve(property: string, given: AlarmSettings | undefined, defaults: typeof DEFAULTS.errorRate, available: boolean): ResolvedSettings {
    checkWholeMinutes(this, `${property}.period`, given?.period, 1, MAX_EVALUATION_MINUTES);
    const period = given?.period ?? Duration.minutes(1);
    const periodMinutes = period.isUnresolved() ? 1 : period.toMinutes();
    checkRange(this, `${property}.evaluationPeriods`, given?.evaluationPeriods, 1, Math.floor(MAX_EVALUATION_MINUTES / periodMinutes));
    const evaluationPeriods = given?.evaluationPeriods ?? defaults.evaluationPeriods;
    checkRange(this, `${property}.datapointsToAlarm`, given?.datapointsToAlarm, 1, evaluationPeriods);
    return {
      enabled: available && given?.enabled !== false,
      threshold: given?.threshold ?? defaults.threshold,
      period,
      evaluationPeriods,
      datapointsToAlarm: given?.datapointsToAlarm ?? Math.min(defaults.datapointsToAlarm, evaluationPeriods),
      rollback: given?.rollback ?? defaults.rollback,
    };
  }

  /** One alarm for conditions evaluated alike: it fires when any of them breaches in enough periods. */
  private alarm(group: Condition[], where: string): cloudwatch.Alarm {
    const s = group[0].settings;
    const expression = group.length === 1 ? `IF(${group[0].expression}, 1, 0)` : `IF(${group.map((c) => c.expression).join(' OR ')}, 1, 0)`;
    const evaluation = `in ${s.datapointsToAlarm} of ${s.evaluationPeriods} period(s) of ${s.period.toHumanString()}`;
    return new cloudwatch.Alarm(this, group.map((c) => c.id).join(''), {
      metric: new cloudwatch.MathExpression({
        expression,
        usingMetrics: Object.assign({}, ...group.map((c) => c.metrics)),
        label: group.map((c) => c.id).join(' or '),
        period: s.period,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: s.evaluationPeriods,
      datapointsToAlarm: s.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${where}: ${group.map((c) => c.description).join('; or ')}, ${evaluation}.`
        + (s.rollback ? ' Rolls back a CodeDeploy deployment.' : ''),
    });
  }

  private durationCondition(s: ResolvedSettings, timeout: Duration, p99: cloudwatch.IMetric, add: (c: Condition) => void): void {
    if (timeout.isUnresolved()) {
      Annotations.of(this).addWarningV2('cdk-custom-runtime:durationAlarmSkipped',
        'The function\'s timeout is unknown at synth (a token), so the duration alarm, whose threshold is a percentage of it, was not created.');
      return;
    }
    const thresholdMs = Math.round(timeout.toMilliseconds() * s.threshold / 100);
    if (thresholdMs < 1) {
      throw new InvalidPropertyError(this, `duration.threshold must leave at least 1 ms of the ${timeout.toHumanString()} timeout, got ${s.threshold}%`);
    }
    add({
      key: 'duration',
      id: 'Duration',
      settings: s,
      metrics: { duration: p99 },
      expression: `FILL(duration, 0) >= ${thresholdMs}`,
      description: `the 99th percentile duration is at least ${s.threshold}% of the ${timeout.toHumanString()} timeout (${thresholdMs} ms)`,
    });
  }
}

/** Conditions with the same period, evaluation and rollback, in their order of first appearance. */
function groupByEvaluation(conditions: Condition[]): Condition[][] {
  const groups = new Map<string, Condition[]>();
  for (const c of conditions) {
    const s = c.settings;
    const period = s.period.isUnresolved() ? s.period.toString() : s.period.toSeconds();
    const key = JSON.stringify([period, s.evaluationPeriods, s.datapointsToAlarm, s.rollback]);
    groups.set(key, [...groups.get(key) ?? [], c]);
  }
  return [...groups.values()];
}
