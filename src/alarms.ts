import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { aliasMetric, errorRateExpression } from './private/alias-metrics';
import { InvalidPropertyError } from './private/errors';
import { checkAbove, checkAtLeast, checkRange, checkWholeMinutes } from './private/validation';

/**
 * The settings of one alarm. Every field is optional: what is not set keeps the alarm's default,
 * documented on the property of `FunctionAlarmsOptions` that holds these settings.
 *
 * Every alarm compares with "greater than or equal to the threshold" and treats missing data
 * (no invocations) as not breaching.
 */
export interface AlarmSettings {
  /**
   * Whether to create the alarm.
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
   * Whether a CodeDeploy deployment of the function stops and rolls back when this alarm fires.
   * Only matters when the function has a `deployment`.
   *
   * @default - true, except for the dead-letter messages alarm
   */
  readonly rollback?: boolean;
}

/**
 * Which alarms to create on a function's alias, and with which settings.
 *
 * The alarms watch the alias (metrics with the dimensions `FunctionName` and
 * `Resource` = `<function>:<alias>`), so they see every invocation that callers make through it,
 * including those routed to a new version during a CodeDeploy traffic shift.
 */
export interface FunctionAlarmsOptions {
  /**
   * Whether to create any alarm at all. `false` turns every alarm off, whatever the settings below say.
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

/** An alarm's settings with every default filled in. */
interface ResolvedSettings {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly rollback: boolean;
}

/** The defaults of each alarm, as documented on `FunctionAlarmsOptions`. */
const DEFAULTS = {
  errorRate: { threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2, rollback: true },
  throttles: { threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2, rollback: true },
  duration: { threshold: 80, evaluationPeriods: 3, datapointsToAlarm: 2, rollback: true },
  deadLetterMessages: { threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, rollback: false },
  asyncDeliveryFailures: { threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, rollback: true },
};

/** CloudWatch evaluates at most one day of periods. */
const MAX_EVALUATION_MINUTES = 24 * 60;

/**
 * CloudWatch alarms on a Lambda alias: error rate, throttles, duration near the timeout, messages waiting
 * in the dead-letter queue and lost asynchronous events. Each can be tuned or turned off.
 *
 * The alarms are built on metrics (function name and alias name), not on the alias resource, so they can
 * gate a CodeDeploy deployment of that same alias without a circular dependency. `rollbackAlarms` lists
 * those meant to stop and roll back a deployment.
 */
export class FunctionAlarms extends Construct {
  /**
   * The error-rate alarm.
   *
   * @default - none when turned off
   */
  public readonly errorRate?: cloudwatch.Alarm;

  /**
   * The throttles alarm.
   *
   * @default - none when turned off
   */
  public readonly throttles?: cloudwatch.Alarm;

  /**
   * The duration-near-timeout alarm.
   *
   * @default - none when turned off, or when the timeout is unknown at synth
   */
  public readonly duration?: cloudwatch.Alarm;

  /**
   * The dead-letter queue alarm.
   *
   * @default - none when turned off or when there is no dead-letter queue
   */
  public readonly deadLetterMessages?: cloudwatch.Alarm;

  /**
   * The lost-asynchronous-events alarm.
   *
   * @default - none when turned off
   */
  public readonly asyncDeliveryFailures?: cloudwatch.Alarm;

  /** Every alarm created, in the order above. */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The alarms that stop and roll back a CodeDeploy deployment (those whose `rollback` is true). */
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
    const metric = (metricName: string, statistic: string, s: ResolvedSettings) =>
      aliasMetric(functionName, aliasName, metricName, { statistic, period: s.period });
    const where = `${functionName}:${aliasName}`;

    if (settings.errorRate.enabled) {
      const s = settings.errorRate;
      this.errorRate = this.alarm('ErrorRate', s,
        errorRateExpression(metric('Errors', cloudwatch.Stats.SUM, s), metric('Invocations', cloudwatch.Stats.SUM, s), { period: s.period }),
        `Errors are at least ${s.threshold}% of the invocations of ${where}.`);
    }
    if (settings.throttles.enabled) {
      const s = settings.throttles;
      this.throttles = this.alarm('Throttles', s, metric('Throttles', cloudwatch.Stats.SUM, s),
        `${where} throttled at least ${s.threshold} invocation(s) per ${s.period.toHumanString()}.`);
    }
    if (settings.duration.enabled) {
      this.duration = this.durationAlarm(settings.duration, props.timeout!, metric('Duration', cloudwatch.Stats.p(99), settings.duration), where);
    }
    if (settings.deadLetterMessages.enabled) {
      const s = settings.deadLetterMessages;
      this.deadLetterMessages = this.alarm('DeadLetterMessages', s,
        props.deadLetterQueue!.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: s.period }),
        `At least ${s.threshold} failed asynchronous event(s) of ${where} wait in its dead-letter queue.`);
    }
    if (settings.asyncDeliveryFailures.enabled) {
      const s = settings.asyncDeliveryFailures;
      this.asyncDeliveryFailures = this.alarm('AsyncDeliveryFailures', s, new cloudwatch.MathExpression({
        expression: 'FILL(deadLetterErrors, 0) + FILL(destinationDeliveryFailures, 0)',
        usingMetrics: {
          deadLetterErrors: metric('DeadLetterErrors', cloudwatch.Stats.SUM, s),
          destinationDeliveryFailures: metric('DestinationDeliveryFailures', cloudwatch.Stats.SUM, s),
        },
        label: 'Asynchronous events not delivered',
        period: s.period,
      }), `${where} could not deliver at least ${s.threshold} asynchronous event(s) to its dead-letter target or destination; they are lost.`);
    }

    const created: [cloudwatch.Alarm | undefined, ResolvedSettings][] = [
      [this.errorRate, settings.errorRate], [this.throttles, settings.throttles], [this.duration, settings.duration],
      [this.deadLetterMessages, settings.deadLetterMessages], [this.asyncDeliveryFailures, settings.asyncDeliveryFailures],
    ];
    const alarms = created.flatMap(([alarm]) => alarm ? [alarm] : []);
    this.alarms = alarms;
    this.rollbackAlarms = created.flatMap(([alarm, s]) => alarm && s.rollback ? [alarm] : []);
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

  private alarm(id: string, s: ResolvedSettings, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric,
      threshold: s.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: s.evaluationPeriods,
      datapointsToAlarm: s.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  }

  private durationAlarm(s: ResolvedSettings, timeout: Duration, metric: cloudwatch.IMetric, where: string): cloudwatch.Alarm | undefined {
    if (timeout.isUnresolved()) {
      Annotations.of(this).addWarningV2('cdk-custom-runtime:durationAlarmSkipped',
        'The function\'s timeout is unknown at synth (a token), so the duration alarm, whose threshold is a percentage of it, was not created.');
      return undefined;
    }
    const thresholdMs = Math.round(timeout.toMilliseconds() * s.threshold / 100);
    if (thresholdMs < 1) {
      throw new InvalidPropertyError(this, `duration.threshold must leave at least 1 ms of the ${timeout.toHumanString()} timeout, got ${s.threshold}%`);
    }
    return this.alarm('Duration', { ...s, threshold: thresholdMs }, metric,
      `The 99th percentile duration of ${where} is at least ${s.threshold}% of its ${timeout.toHumanString()} timeout (${thresholdMs} ms).`);
  }
}
