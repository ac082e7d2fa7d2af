// Integration test: a function shipped through a CodeDeploy canary (10% for 5 minutes) with alarm rollback.
// The first deploy creates the alias directly; integ-runner's update workflow (deploy the committed snapshot,
// then this version) exercises the canary on the update. The assertions check the deployment group and
// that the alias answers.
// Run against a real account with: npx integ-runner --directory test --language typescript --update-on-failed
import * as path from 'path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CustomRuntimeFunction, TrafficShift } from '../src';

const app = new App();
const stack = new Stack(app, 'CustomRuntimeCanary');
const fn = new CustomRuntimeFunction(stack, 'Canary', {
  code: lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handlers', 'echo')),
  handler: 'function.handler',
  deployment: { trafficShift: TrafficShift.CANARY_10PERCENT_5MINUTES },
});

const integ = new IntegTest(app, 'CanaryTest', { testCases: [stack], stackUpdateWorkflow: true });
integ.assertions.awsApiCall('CodeDeploy', 'getDeploymentGroup', {
  applicationName: fn.deploymentGroup!.application.applicationName,
  deploymentGroupName: fn.deploymentGroup!.deploymentGroupName,
}).expect(ExpectedResult.objectLike({
  deploymentGroupInfo: Match.objectLike({
    deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    autoRollbackConfiguration: Match.objectLike({ enabled: true }),
    alarmConfiguration: Match.objectLike({ enabled: true }),
  }),
}));
integ.assertions
  .invokeFunction({ functionName: fn.alias.functionArn, payload: JSON.stringify({ shipped: 'safely' }) })
  .expect(ExpectedResult.objectLike({ StatusCode: 200, Payload: { echo: { shipped: 'safely' } } }));
