// Integration test: the default CustomRuntimeFunction, invoked through its alias, answers with the handler's output.
// Run against a real account with: npx integ-runner --directory test --language typescript --update-on-failed
import * as path from 'path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CustomRuntimeFunction } from '../src';

const app = new App();
const stack = new Stack(app, 'CustomRuntimeDefaultFunction');
const fn = new CustomRuntimeFunction(stack, 'Echo', {
  code: lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handlers', 'echo')),
  handler: 'function.handler',
});

const integ = new IntegTest(app, 'DefaultFunctionTest', { testCases: [stack] });
integ.assertions
  .invokeFunction({ functionName: fn.alias.functionArn, payload: JSON.stringify({ hello: 'world' }) })
  .expect(ExpectedResult.objectLike({ StatusCode: 200, ExecutedVersion: '1', Payload: { echo: { hello: 'world' } } }));
