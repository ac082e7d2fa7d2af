// The bindings app in TypeScript: the reference the Python, Java and Go apps beside it must synthesize
// exactly (test/bindings/*.test.ts compare their templates). Keep the four apps in step.
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as crt from '../../../src';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const HANDLER_DIR = path.join(FIXTURES, 'handlers', 'echo');
const RUNTIME_DIR = path.join(FIXTURES, 'runner', 'runtime');

/** Builds the app's one stack; `outdir` defaults to `CDK_OUTDIR`, as for the other languages. */
export function createBindingsApp(outdir?: string): App {
  const app = new App({ outdir, analyticsReporting: false });
  const stack = new Stack(app, 'BindingsApp', { env: { account: '123456789012', region: 'us-east-1' } });

  // The default function on the built-in shell runtime.
  const plain = new crt.CustomRuntimeFunction(stack, 'Default', {
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'function.handler',
  });

  // A function on a runtime layer built from a directory.
  const runtime = new crt.RuntimeLayer(stack, 'OwnRuntime', {
    directory: RUNTIME_DIR,
    compatibleArchitectures: [lambda.Architecture.X86_64],
    license: 'Apache-2.0',
  });
  new crt.CustomRuntimeFunction(stack, 'OnOwnRuntime', {
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'function.handler',
    runtimeLayer: runtime,
    environment: { STAGE: 'test' },
  });

  // A canary deployment whose alarms notify a topic.
  const onCall = new sns.Topic(stack, 'OnCall');
  new crt.CustomRuntimeFunction(stack, 'Canary', {
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'function.handler',
    timeout: Duration.seconds(10),
    deployment: { trafficShift: crt.TrafficShift.canary(20, Duration.minutes(10)) },
    alarms: {
      alarmTopic: onCall,
      errorRate: { threshold: 2 },
      throttles: { rollback: false },
    },
  });

  // Provisioned concurrency on the alias, scaled with the load and on a schedule, shifted linearly.
  new crt.CustomRuntimeFunction(stack, 'Scaled', {
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'function.handler',
    reservedConcurrentExecutions: 20,
    provisionedConcurrentExecutions: 2,
    provisionedConcurrencyScaling: {
      maxCapacity: 10,
      utilizationTarget: 0.6,
      schedules: [{ name: 'Mornings', schedule: appscaling.Schedule.cron({ hour: '8', minute: '0' }), minCapacity: 5 }],
    },
    deployment: { trafficShift: crt.TrafficShift.LINEAR_10PERCENT_EVERY_1MINUTE },
  });

  // Who may invoke the default function's alias.
  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
  plain.grantInvoke(caller);
  const nightly = new events.Rule(stack, 'Nightly', { schedule: events.Schedule.cron({ hour: '3', minute: '0' }) });
  plain.allowInvokeByService('Nightly', { principal: new iam.ServicePrincipal('events.amazonaws.com'), sourceArn: nightly.ruleArn });
  plain.addFunctionUrl();
  // As a lambda.IFunction: the rule's target and its permission reach the alias.
  new events.Rule(stack, 'Hourly', { schedule: events.Schedule.rate(Duration.hours(1)), targets: [new targets.LambdaFunction(plain)] });

  return app;
}

if (require.main === module) {
  createBindingsApp().synth();
}
