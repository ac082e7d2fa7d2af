import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CustomRuntimeFunction } from '../src';
import { nagFindings } from './nag';
import { echoCode, resourcesOfType } from './util';

function newApp(): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'LogStack', { env: { account: '123456789012', region: 'us-east-1' } }) };
}

/** Every statement of every role and policy of the stack. */
function statements(stack: Stack): any[] {
  return [
    ...resourcesOfType(stack, 'AWS::IAM::Role').flatMap(([, r]) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement)),
    ...resourcesOfType(stack, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement),
  ];
}

describe('a user-supplied log group', () => {
  test('is granted to the function\'s role alone, on its Arn as it is (which ends in :*), with no resource policy and no nag finding', () => {
    // GIVEN
    const { app, stack } = newApp();
    const logGroup = new logs.LogGroup(stack, 'Mine', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    // WHEN
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', logGroup });
    // THEN
    expect(fn.logGroup).toBe(logGroup);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::ResourcePolicy', 0);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    expect(resourcesOfType(stack, 'AWS::Lambda::Function')[0][1].Properties.LoggingConfig).toEqual({ LogGroup: { Ref: expect.stringMatching(/^Mine/) } });
    const logStatements = statements(stack).filter((st) => JSON.stringify(st.Action).includes('logs:'));
    expect(logStatements).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'Arn'] } }]);
    expect(JSON.stringify(logStatements)).not.toContain(':*');
    expect(nagFindings(app, stack)).toEqual([]);
  });

  test('imported by name: its ARN is used once, with a single :* (log streams), and nag sees only that group', () => {
    const { app, stack } = newApp();
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Shared', '/shared/functions');
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', logGroup });
    Template.fromStack(stack).resourceCountIs('AWS::Logs::ResourcePolicy', 0);
    const [logStatement] = statements(stack).filter((st) => JSON.stringify(st.Action).includes('logs:'));
    expect(JSON.stringify(logStatement.Resource)).toMatch(/:log-group:\/shared\/functions:\*"/);
    expect(JSON.stringify(logStatement.Resource)).not.toMatch(/:\*:\*/);
    expect(nagFindings(app, stack).filter((f) => !f.includes('/shared/functions:*'))).toEqual([]);
  });

  test.each([
    ['logRetention', { logRetention: logs.RetentionDays.ONE_WEEK }, /LogStack\/Fn: logRetention cannot be combined with logGroup/],
    ['logRemovalPolicy', { logRemovalPolicy: RemovalPolicy.DESTROY }, /LogStack\/Fn: logRemovalPolicy cannot be combined with logGroup/],
    ['both', { logRetention: logs.RetentionDays.ONE_WEEK, logRemovalPolicy: RemovalPolicy.DESTROY },
      /LogStack\/Fn: logRetention and logRemovalPolicy cannot be combined with logGroup: they configure the log group this construct creates/],
  ])('%s together with logGroup is a synth-time error naming the construct', (_name, props, message) => {
    const { stack } = newApp();
    const logGroup = new logs.LogGroup(stack, 'Mine');
    expect(() => new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', logGroup, ...props })).toThrow(message);
  });
});
