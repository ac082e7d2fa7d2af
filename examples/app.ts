import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CustomRuntimeFunction } from '../src';

/**
 * The example: a bash "greeter" function on the built-in shell runtime, with everything a
 * production function needs, and the callers it lets in; and a "report" function that streams.
 */
export class GreeterStack extends Stack {
  public readonly greeter: CustomRuntimeFunction;
  public readonly report: CustomRuntimeFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.greeter = new CustomRuntimeFunction(this, 'Greeter', {
      code: lambda.Code.fromAsset(path.join(__dirname, 'greeter')),
      handler: 'greeter.greet',
      environment: { GREETING: 'Hello' },
      timeout: Duration.seconds(10),
      retryAttempts: 1,
      maxEventAge: Duration.hours(1),
      reservedConcurrentExecutions: 10,
    });

    // An IAM role of this account may call the alias.
    const caller = new iam.Role(this, 'CallerRole', { assumedBy: new iam.AccountRootPrincipal() });
    this.greeter.grantInvoke(caller);

    // A nightly EventBridge rule invokes the alias, scoped to that rule (confused-deputy protection).
    // Events EventBridge cannot deliver join the function's failed events in its dead-letter queue.
    const nightly = new events.Rule(this, 'Nightly', { schedule: events.Schedule.cron({ hour: '3', minute: '0' }) });
    // The construct is a lambda.IFunction: any integration given it reaches the alias.
    nightly.addTarget(new targets.LambdaFunction(this.greeter, {
      event: events.RuleTargetInput.fromObject({ name: 'night shift' }),
      deadLetterQueue: this.greeter.deadLetterQueue,
    }));

    // A function URL that requires IAM (SigV4) authentication.
    this.greeter.addFunctionUrl();

    // A report that streams its lines as the handler prints them, to InvokeWithResponseStream callers
    // and through a function URL in RESPONSE_STREAM mode (IAM auth).
    this.report = new CustomRuntimeFunction(this, 'Report', {
      code: lambda.Code.fromAsset(path.join(__dirname, 'report')),
      handler: 'report.report',
      responseStreaming: true,
      environment: { REPORT_STEPS: '3' },
      timeout: Duration.seconds(10),
    });
    this.report.addFunctionUrl({ invokeMode: lambda.InvokeMode.RESPONSE_STREAM });
    // The caller role may read the stream: InvokeWithResponseStream is authorized by lambda:InvokeFunction.
    this.report.grantInvoke(caller);
  }
}

/** Builds the example app; `outdir` defaults to the CDK's own choice (cdk.out). */
export function createExampleApp(outdir?: string): { app: App; stack: GreeterStack } {
  const app = new App({ outdir });
  const stack = new GreeterStack(app, 'GreeterExample', { env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

if (require.main === module) {
  createExampleApp().app.synth();
}
