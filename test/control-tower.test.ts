import { CfnResource } from 'aws-cdk-lib';
import { assemblyDir, controlTowerFindings, synthTemplates } from './compliance';
import { controlTowerFunction, defaultFunction, fullyConfiguredFunction, newApp } from './scenarios';
import { createExampleApp } from '../examples/app';

/**
 * The Control Tower controls whose fix costs money or needs a decision, which the default leaves to the user
 * (README "Security"): alarm actions, a year of log retention, a KMS key for the logs, a VPC.
 */
const USER_DECISIONS = ['CT.CLOUDWATCH.PR.1', 'CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3', 'CT.LAMBDA.PR.3'];

const controlOf = (finding: string) => finding.split(' ')[0];

describe('AWS Control Tower proactive controls (cdk-validator-cfnguard)', () => {
  test('the default function fails no control whose fix is free, and only the four that need a decision', () => {
    const { app, stack } = newApp(assemblyDir());
    defaultFunction(stack);
    const findings = controlTowerFindings(synthTemplates(app, stack));
    expect(findings.filter(f => !USER_DECISIONS.includes(controlOf(f)))).toEqual([]);
    expect(findings).toEqual([
      expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.1 GateStack\/FnAlarmsAsyncDeliveryFailures[0-9A-F]{8}: /),
      expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.1 GateStack\/FnAlarmsDeadLetterMessages[0-9A-F]{8}: /),
      expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.1 GateStack\/FnAlarmsDuration[0-9A-F]{8}: /),
      expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.1 GateStack\/FnAlarmsErrorRate[0-9A-F]{8}: /),
      expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.1 GateStack\/FnAlarmsThrottles[0-9A-F]{8}: /),
      expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.2 GateStack\/FnLogGroup[0-9A-F]{8}: /),
      expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.3 GateStack\/FnLogGroup[0-9A-F]{8}: /),
      expect.stringMatching(/^CT\.LAMBDA\.PR\.3 GateStack\/FnFunction[0-9A-F]{8}: /),
    ]);
  });

  test('the documented configuration (log key, one-year retention, alarm topic, VPC) passes every control', () => {
    const { app, stack } = newApp(assemblyDir());
    controlTowerFunction(stack);
    expect(controlTowerFindings(synthTemplates(app, stack))).toEqual([]);
  });

  test('a fully configured function passes every control', () => {
    const { app, stack } = newApp(assemblyDir());
    fullyConfiguredFunction(stack);
    expect(controlTowerFindings(synthTemplates(app, stack))).toEqual([]);
  });

  test('the examples/ app fails only the controls that need a decision', () => {
    const { app, stack } = createExampleApp(assemblyDir());
    const findings = controlTowerFindings(synthTemplates(app, stack));
    expect(findings.filter(f => !USER_DECISIONS.includes(controlOf(f)))).toEqual([]);
    expect([...new Set(findings.map(controlOf))]).toEqual(USER_DECISIONS);
  });

  test('without its redrive allow policy, the dead-letter queue fails CT.SQS.PR.1 (the test can fail)', () => {
    const { app, stack } = newApp(assemblyDir());
    const fn = controlTowerFunction(stack);
    (fn.deadLetterQueue!.node.defaultChild as CfnResource).addPropertyDeletionOverride('RedriveAllowPolicy');
    expect(controlTowerFindings(synthTemplates(app, stack))).toEqual([
      expect.stringMatching(/^CT\.SQS\.PR\.1 GateStack\/FnDeadLetterQueue[0-9A-F]{8}: Require any Amazon SQS queue to have a dead-letter queue configured$/),
    ]);
  });
});
