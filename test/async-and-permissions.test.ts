import { Duration, Stack } from 'aws-cdk-lib';
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

  test('configureAsyncInvoke sets them on the alias, within Lambda\'s ranges, once', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    expect(() => fn.configureAsyncInvoke({ retryAttempts: 3 })).toThrow('TestStack/Fn: retryAttempts must be an integer between 0 and 2, got 3');
    fn.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.minutes(10) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^FnFunction') },
      Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', ALIAS_REF] }] },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 600,
    });
    expect(() => fn.configureAsyncInvoke({ retryAttempts: 0 })).toThrow(/^TestStack\/Fn: configureAsyncInvoke: the alias already has asynchronous invocation settings/);
  });

  test('configureAsyncInvoke is refused when the props set them', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), retryAttempts: 0 });
    expect(() => fn.configureAsyncInvoke({ maxEventAge: Duration.hours(1) }))
      .toThrow(/^TestStack\/Fn: configureAsyncInvoke: the alias already has asynchronous invocation settings \(retryAttempts, maxEventAge, onSuccess or onFailure in the props/);
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

  test('grantInvoke lets a service in through the alias\'s resource policy, scoped to this stack\'s account', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.grantInvoke(new iam.ServicePrincipal('sns.amazonaws.com'));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', FunctionName: ALIAS_REF, Principal: 'sns.amazonaws.com', SourceAccount: '123456789012',
    });
  });

  test('grantInvoke keeps a service principal\'s own source condition and adds no account', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/nightly';
    fn.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com').withConditions({ ArnLike: { 'aws:SourceArn': rule } }));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: ALIAS_REF, Principal: 'events.amazonaws.com', SourceArn: rule, SourceAccount: Match.absent(),
    });
  });

  test('grantInvoke scopes a service to the deploying account in an environment-agnostic stack', () => {
    const stack = new Stack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.grantInvoke(new iam.ServicePrincipal('secretsmanager.amazonaws.com'));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: ALIAS_REF, Principal: 'secretsmanager.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  test('grantInvoke lets another account in through the alias\'s resource policy, as aws-lambda does', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.grantInvoke(new iam.AccountPrincipal('111122223333'));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: ALIAS_REF, Principal: '111122223333', SourceAccount: Match.absent(),
    });
  });

  test('grantInvokeCompositePrincipal grants each principal as grantInvoke does', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    const grants = fn.grantInvokeCompositePrincipal(new iam.CompositePrincipal(caller, new iam.ServicePrincipal('sns.amazonaws.com')));
    expect(grants).toHaveLength(2);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: ALIAS_REF }] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: ALIAS_REF, Principal: 'sns.amazonaws.com', SourceAccount: '123456789012' });
  });

  test('grantInvokeUrl gives an IAM principal the alias\'s function URL, with AWS_IAM auth', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    fn.grantInvokeUrl(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Action: 'lambda:InvokeFunctionUrl',
          Resource: ALIAS_REF,
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
        }]),
      },
    });
  });

  test('grantInvokeUrl lets a service in through the alias\'s resource policy, scoped to this stack\'s account', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.grantInvokeUrl(new iam.ServicePrincipal('cloudfront.amazonaws.com'));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: ALIAS_REF,
      Principal: 'cloudfront.amazonaws.com',
      FunctionUrlAuthType: 'AWS_IAM',
      SourceAccount: '123456789012',
    });
  });

  test('grantInvokeVersion names that version; grantInvokeLatestVersion names $LATEST and warns that it bypasses the alias', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    const pinned = new iam.Role(stack, 'Pinned', { assumedBy: new iam.AccountRootPrincipal() });
    const latest = new iam.Role(stack, 'Latest', { assumedBy: new iam.AccountRootPrincipal() });
    fn.grantInvokeVersion(pinned, fn.version);
    fn.grantInvokeLatestVersion(latest);
    const template = Template.fromStack(stack);
    const functionArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnFunction'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Pinned') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: { Ref: Match.stringLikeRegexp('^FnFunctionCurrentVersion') }, // the version's ARN, <function ARN>:<version>
        }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Latest') }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [{ 'Fn::Join': ['', [functionArn, ':$LATEST']] }, functionArn] }] },
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('grantInvokeLatestVersion\\(\\) lets the grantee invoke \\$LATEST'));
  });

  test('grantInvokeVersion lets a service in through that version\'s resource policy, scoped to this stack\'s account', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.grantInvokeVersion(new iam.ServicePrincipal('sns.amazonaws.com'), fn.version);
    fn.grantInvokeVersion(new iam.Role(stack, 'Latest', { assumedBy: new iam.AccountRootPrincipal() }), fn.latestVersion);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { Ref: Match.stringLikeRegexp('^FnFunctionCurrentVersion') }, Principal: 'sns.amazonaws.com', SourceAccount: '123456789012',
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('grantInvokeLatestVersion\\(\\) lets the grantee invoke'));
  });

  test('addPermission puts the permission on the alias, as aws-lambda\'s does', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.addPermission('Sns', { principal: new iam.ServicePrincipal('sns.amazonaws.com'), sourceArn: 'arn:aws:sns:us-east-1:123456789012:orders' });
    fn.addPermission('Partner', { principal: new iam.AccountPrincipal('111122223333'), action: 'lambda:GetFunction' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', FunctionName: ALIAS_REF, Principal: 'sns.amazonaws.com', SourceArn: 'arn:aws:sns:us-east-1:123456789012:orders',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:GetFunction', FunctionName: ALIAS_REF, Principal: '111122223333' });
    expect(fn.permissionsNode.tryFindChild('Sns')).toBeDefined();
  });

  test('addPermission refuses a service without a source, and says what to call instead', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    expect(() => fn.addPermission('Sns', { principal: new iam.ServicePrincipal('sns.amazonaws.com') }))
      .toThrow(/^TestStack\/Fn: addPermission: sns.amazonaws.com needs sourceArn or sourceAccount, got neither \(without them any account's resources could make the service invoke this function\); .*or call grantInvoke\(\)/);
    expect(() => fn.addPermission('S3', { principal: new iam.ServicePrincipal('s3.amazonaws.com'), sourceArn: 'arn:aws:s3:::uploads' }))
      .toThrow(/^TestStack\/Fn: addPermission: s3.amazonaws.com needs sourceAccount, got none/);
    expect(() => fn.addPermission('BadAccount', { principal: new iam.ServicePrincipal('sns.amazonaws.com'), sourceAccount: '1234' }))
      .toThrow('TestStack/Fn: sourceAccount must be a 12-digit AWS account ID, got "1234"');
    // a source in the principal's conditions counts, as aws-lambda reads it from there
    fn.addPermission('Conditioned', { principal: new iam.ServicePrincipal('sns.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': '123456789012' } }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', { FunctionName: ALIAS_REF, Principal: 'sns.amazonaws.com', SourceAccount: '123456789012' });
  });

  test('allowInvokeByService takes an iam.IPrincipal', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    fn.allowInvokeByService('Events', { principal: new iam.ServicePrincipal('events.amazonaws.com'), sourceArn: 'arn:aws:events:us-east-1:123456789012:rule/nightly' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', FunctionName: ALIAS_REF, Principal: 'events.amazonaws.com', SourceArn: 'arn:aws:events:us-east-1:123456789012:rule/nightly',
    });
  });

  test('allowInvokeByService takes exactly one service principal', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    const sourceAccount = '123456789012';
    expect(() => fn.allowInvokeByService('Neither', { sourceAccount }))
      .toThrow('TestStack/Fn: allowInvokeByService: give exactly one of principal and servicePrincipal (deprecated), got neither');
    expect(() => fn.allowInvokeByService('Both', { principal: new iam.ServicePrincipal('sns.amazonaws.com'), servicePrincipal: 'sns.amazonaws.com', sourceAccount }))
      .toThrow('TestStack/Fn: allowInvokeByService: give exactly one of principal and servicePrincipal (deprecated), got both');
    expect(() => fn.allowInvokeByService('Account', { principal: new iam.AccountPrincipal('111122223333'), sourceAccount }))
      .toThrow(/^TestStack\/Fn: allowInvokeByService: principal must be an AWS service principal .*; use allowInvokeByAccount\(\)/);
    expect(() => fn.allowInvokeByService('Sns', { principal: new iam.ServicePrincipal('sns.amazonaws.com') }))
      .toThrow('TestStack/Fn: allowInvokeByService: sns.amazonaws.com needs sourceArn or sourceAccount, got neither');
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
