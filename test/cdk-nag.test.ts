import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomRuntimeFunction, TrafficShift } from '../src';
import { nagFindings } from './nag';
import { echoCode } from './util';

function newApp(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'NagStack', { env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  test('the default function has no unacknowledged finding', () => {
    const { app, stack } = newApp();
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler' });
    expect(nagFindings(app, stack)).toEqual([]);
  });

  test('a fully configured function has no unacknowledged finding', () => {
    const { app, stack } = newApp();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const failures = new sqs.Queue(stack, 'Failures', { enforceSSL: true, encryptionMasterKey: key });
    const onCall = new sns.Topic(stack, 'OnCall', { enforceSSL: true, masterKey: key });
    const hook = (id: string) => new CustomRuntimeFunction(stack, id, { code: echoCode(), handler: 'function.handler', alarms: { enabled: false } }).function;
    const latency = new cloudwatch.Alarm(stack, 'Latency', {
      metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Latency' }), threshold: 1, evaluationPeriods: 1,
    });
    const fn = new CustomRuntimeFunction(stack, 'Fn', {
      code: echoCode(),
      handler: 'function.handler',
      aliasName: 'prod',
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: { STAGE: 'prod' },
      environmentEncryption: key,
      deadLetterQueueEncryptionKey: key,
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
    const findings = nagFindings(app, stack).filter(f => !f.includes('/NagStack/Vpc/') && !f.includes('/NagStack/Failures'));
    expect(findings).toEqual([]);
  });

  test('removing one of our acknowledgements makes the finding reappear (the test can fail)', () => {
    const { app, stack } = newApp();
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler' });
    const role = fn.role!.node.defaultChild as CfnResource;
    role.addMetadata('cdk_nag', { rules_to_suppress: [] });
    const findings = nagFindings(app, stack);
    expect(findings).toEqual([
      expect.stringMatching(/^\/NagStack\/Fn\/ServiceRole\/Resource: AwsSolutions-IAM5\[Resource::\*\]/),
      expect.stringMatching(/^\/NagStack\/Fn\/ServiceRole\/Resource: Serverless-LambdaStarPermissions/),
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
      expect.stringMatching(/^\/NagStack\/Fn\/DeploymentGroup\/ServiceRole\/Resource: AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSCodeDeployRoleForLambdaLimited\]$/),
      expect.stringMatching(/^\/NagStack\/Fn\/DeploymentGroup\/ServiceRole\/DefaultPolicy\/Resource: AwsSolutions-IAM5\[Resource::<HookFunction[0-9A-F]{8}\.Arn>:\*\]$/),
    ]);
  });
});
