import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as eventsources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomRuntimeFunction } from '../src';
import { echoCode, newStack } from './util';

/** Fresh props per stack: an asset belongs to one stack. */
const base = () => ({ code: echoCode(), handler: 'function.handler' });
const ALIAS_REF = { Ref: Match.stringLikeRegexp('^FnAlias') };

describe('asynchronous invocation settings', () => {
  test('go on the alias, never on $LATEST', () => {
    // GIVEN
    const stack = newStack();
    const failures = new sqs.Queue(stack, 'Failures');
    // WHEN
    new CustomRuntimeFunction(stack, 'Fn', {
      ...base(),
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
      onFailure: new destinations.SqsDestination(failures),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^FnFunction') },
      Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', ALIAS_REF] }] },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Failures'), 'Arn'] } } },
    });
  });

  test('leave Lambda\'s defaults when not set', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', base());
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });
});

describe('invoke permissions, all on the alias', () => {
  test('grantInvoke gives an IAM principal lambda:InvokeFunction on the alias ARN only', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    fn.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: ALIAS_REF }] },
    });
  });

  test('a service principal is allowed on the alias with its source conditions', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.allowInvokeByService('Events', { servicePrincipal: 'events.amazonaws.com', sourceArn: 'arn:aws:events:us-east-1:123456789012:rule/nightly' });
    fn.allowInvokeByService('S3', { servicePrincipal: 's3.amazonaws.com', sourceAccount: '123456789012' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: ALIAS_REF,
      Principal: 'events.amazonaws.com',
      SourceArn: 'arn:aws:events:us-east-1:123456789012:rule/nightly',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', FunctionName: ALIAS_REF, Principal: 's3.amazonaws.com', SourceAccount: '123456789012',
    });
  });

  test('a service principal without sourceArn or sourceAccount is refused (confused deputy)', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    expect(() => fn.allowInvokeByService('Sns', { servicePrincipal: 'sns.amazonaws.com' }))
      .toThrow('TestStack/Fn: allowInvokeByService: sns.amazonaws.com needs sourceArn or sourceAccount, got neither');
    expect(() => fn.allowInvokeByService('Bad', { servicePrincipal: 'sns', sourceAccount: '123456789012' }))
      .toThrow(/TestStack\/Fn: servicePrincipal must be an AWS service principal .*, got "sns"/);
  });

  test('grantInvoke refuses a service principal, which needs allowInvokeByService\'s source conditions', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    expect(() => fn.grantInvoke(new iam.ServicePrincipal('sns.amazonaws.com')))
      .toThrow(/TestStack\/Fn: grantInvoke: sns.amazonaws.com is an AWS service; use allowInvokeByService\(\) with sourceArn or sourceAccount/);
  });

  test('S3 needs sourceAccount: bucket ARNs name no account', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    expect(() => fn.allowInvokeByService('S3', { servicePrincipal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::my-bucket' }))
      .toThrow('TestStack/Fn: allowInvokeByService: s3.amazonaws.com needs sourceAccount, got none');
    expect(() => fn.allowInvokeByService('S3', { servicePrincipal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::my-bucket', sourceAccount: '123456789012' }))
      .not.toThrow();
  });

  test('another account and an organization are allowed on the alias', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.allowInvokeByAccount('Partner', '111122223333');
    fn.allowInvokeByOrganization('Org', 'o-abcdefghij');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: ALIAS_REF, Principal: '111122223333', Action: 'lambda:InvokeFunction',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: ALIAS_REF, Principal: '*', PrincipalOrgID: 'o-abcdefghij', Action: 'lambda:InvokeFunction',
    });
    expect(() => fn.allowInvokeByAccount('Bad', '12345')).toThrow('TestStack/Fn: accountId must be a 12-digit AWS account ID, got "12345"');
    expect(() => fn.allowInvokeByOrganization('BadOrg', 'o-1')).toThrow(/TestStack\/Fn: organizationId must be an AWS Organizations ID .*, got "o-1"/);
  });

  test('a function URL goes on the alias with AWS_IAM auth by default', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.addFunctionUrl();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM', TargetFunctionArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, Qualifier: 'live',
    });
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Fn', Match.anyValue());
  });

  test('a function URL with auth NONE records a warning', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('auth type NONE'));
  });

  test('event sources attach to the alias', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Work', { enforceSSL: true });
    const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), events: [new eventsources.SqsEventSource(queue)] });
    fn.addEventSource(new eventsources.SqsEventSource(new sqs.Queue(stack, 'More')));
    const mappings = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) {
      // the alias's qualified function name: <function name>:live
      expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(/"Ref":"FnAlias[0-9A-F]+".*":live"/);
    }
  });

  test('functionArn is the alias ARN', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    expect(fn.functionArn).toBe(fn.alias.functionArn);
  });
});
