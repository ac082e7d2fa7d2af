// Integration test: an asynchronous event that the handler keeps failing lands in the function's dead-letter queue.
// Run against a real account with: npx integ-runner --directory test --language typescript --update-on-failed
import * as path from 'path';
import { ExpectedResult, IntegTest, InvocationType, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CustomRuntimeFunction } from '../src';

const app = new App();
const stack = new Stack(app, 'CustomRuntimeDeadLetter');
const fn = new CustomRuntimeFunction(stack, 'Failing', {
  code: lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handlers', 'failing')),
  handler: 'function.handler',
  retryAttempts: 0,
  maxEventAge: Duration.minutes(5),
});

const integ = new IntegTest(app, 'DeadLetterTest', { testCases: [stack] });
integ.assertions.invokeFunction({
  functionName: fn.alias.functionArn,
  invocationType: InvocationType.EVENT,
  payload: JSON.stringify({ order: 42 }),
}).expect(ExpectedResult.objectLike({ StatusCode: 202 }));

integ.assertions.awsApiCall('SQS', 'receiveMessage', {
  QueueUrl: fn.deadLetterQueue!.queueUrl,
  WaitTimeSeconds: 20,
  MessageAttributeNames: ['All'],
}).expect(ExpectedResult.objectLike({
  Messages: Match.arrayWith([Match.objectLike({ Body: JSON.stringify({ order: 42 }) })]),
})).waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });
