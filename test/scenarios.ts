/**
 * The stacks every compliance gate (cdk-nag, Control Tower, Checkov, cfn-lint) runs over: the default function,
 * a fully configured one, and the documented way to pass all of Control Tower.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomRuntimeFunction, TrafficShift } from '../src';
import { echoCode } from './util';

/** An app with one stack (`GateStack` unless named) in a fixed environment. */
export function newApp(outdir?: string, stackName = 'GateStack'): { app: App; stack: Stack } {
  const app = new App({ outdir });
  const stack = new Stack(app, stackName, { env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

/** The function as a new user writes it: code and handler, nothing else. */
export function defaultFunction(stack: Stack): CustomRuntimeFunction {
  return new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler' });
}

/**
 * A customer managed key as a Control Tower account wants it: rotated (CT.KMS.PR.1), and grants only for
 * AWS resources or by AWS services (CT.KMS.PR.3).
 */
export function compliantKey(stack: Stack, id: string): kms.Key {
  const key = new kms.Key(stack, id, { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/**
 * A VPC the platform team provides, imported as Control Tower accounts usually receive it: private subnets only.
 */
export function sharedVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f67890',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f67890', 'subnet-0f1e2d3c4b5a69870'],
  });
}

/**
 * The documented way to pass every Control Tower control: the default function plus a log key, a year of
 * log retention, an alarm topic and a VPC. The key and the topic are shared by every function of the stack.
 */
export function controlTowerFunction(stack: Stack): CustomRuntimeFunction {
  const key = compliantKey(stack, 'LogKey');
  const vpc = sharedVpc(stack);
  const onCall = new sns.Topic(stack, 'OnCall', { enforceSSL: true, masterKey: key });
  return new CustomRuntimeFunction(stack, 'Fn', {
    code: echoCode(),
    handler: 'function.handler',
    logEncryptionKey: key,
    logRetention: logs.RetentionDays.ONE_YEAR,
    alarms: { alarmTopic: onCall },
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
}

/**
 * Every feature at once: VPC, customer managed keys, destinations, provisioned concurrency with auto scaling,
 * a canary deployment with hooks and an extra alarm, a function URL, service and cross-account permissions.
 * The resources the user brings (key, VPC, queue, topic, alarm) are built as Control Tower wants them.
 */
export function fullyConfiguredFunction(stack: Stack): CustomRuntimeFunction {
  const key = compliantKey(stack, 'Key');
  const vpc = sharedVpc(stack);
  const failures = new sqs.Queue(stack, 'Failures', {
    enforceSSL: true, encryptionMasterKey: key, redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });
  const onCall = new sns.Topic(stack, 'OnCall', { enforceSSL: true, masterKey: key });
  const hook = (id: string) => new CustomRuntimeFunction(stack, id, {
    code: echoCode(),
    handler: 'function.handler',
    alarms: { enabled: false },
    logEncryptionKey: key,
    logRetention: logs.RetentionDays.ONE_YEAR,
    vpc,
  }).function;
  const latency = new cloudwatch.Alarm(stack, 'Latency', {
    metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Latency' }), threshold: 1, evaluationPeriods: 1,
  });
  latency.addAlarmAction(new cloudwatchActions.SnsAction(onCall));
  const fn = new CustomRuntimeFunction(stack, 'Fn', {
    code: echoCode(),
    handler: 'function.handler',
    aliasName: 'prod',
    memorySize: 512,
    timeout: Duration.seconds(60),
    environment: { STAGE: 'prod' },
    environmentEncryption: key,
    deadLetterQueueEncryptionKey: key,
    logEncryptionKey: key,
    logRetention: logs.RetentionDays.ONE_YEAR,
    retryAttempts: 1,
    maxEventAge: Duration.hours(1),
    onFailure: new destinations.SqsDestination(failures),
    reservedConcurrentExecutions: 20,
    provisionedConcurrentExecutions: 2,
    provisionedConcurrencyScaling: {
      maxCapacity: 10,
      utilizationTarget: 0.5,
      schedules: [{ name: 'OfficeHours', schedule: appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '8', minute: '0' }), minCapacity: 5 }],
    },
    alarms: { alarmTopic: onCall, errorRate: { threshold: 2 }, deadLetterMessages: { rollback: true } },
    deployment: {
      trafficShift: TrafficShift.canary(20, Duration.minutes(10)),
      preTrafficHook: hook('PreTraffic'),
      postTrafficHook: hook('PostTraffic'),
      alarms: [latency],
      rollbackOnStop: true,
    },
    architecture: lambda.Architecture.ARM_64,
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
  fn.allowInvokeByService('Events', { servicePrincipal: 'events.amazonaws.com', sourceArn: 'arn:aws:events:us-east-1:123456789012:rule/nightly' });
  fn.allowInvokeByAccount('Partner', '111122223333');
  fn.addFunctionUrl();
  return fn;
}
