import { CustomResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventsources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as cr from 'aws-cdk-lib/custom-resources';
import { CustomRuntimeFunction } from '../src';
import { echoCode, newStack } from './util';

/** The alias's `Ref`, its ARN. */
const ALIAS_REF = { Ref: Match.stringLikeRegexp('^FnAlias') };

/** A stack with the function, handed to an integration as a plain `lambda.IFunction`. */
function given(): { stack: Stack; fn: lambda.IFunction; construct: CustomRuntimeFunction } {
  const stack = newStack();
  const construct = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler' });
  return { stack, fn: construct, construct };
}

/**
 * Nothing outside the construct's own function, version and alias names the function unqualified or `$LATEST`:
 * no `Fn::GetAtt [<function>, Arn]` anywhere, and no `$LATEST`.
 */
function expectNoBareFunction(stack: Stack): void {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  expect(json).not.toMatch(/"Fn::GetAtt":\["FnFunction[0-9A-F]+","Arn"\]/);
  expect(json).not.toContain('$LATEST');
}

/** The alias's resource policy lets `principal` in, with these conditions. */
function expectAliasPermission(stack: Stack, principal: string, conditions: Record<string, unknown>): void {
  Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction', FunctionName: ALIAS_REF, Principal: principal, ...conditions,
  });
}

describe('the construct is a lambda.IFunction that integrations reach through its alias', () => {
  test('API Gateway: LambdaIntegration invokes the alias, and API Gateway may invoke it for this API only', () => {
    const { stack, fn } = given();
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addMethod('GET', new apigw.LambdaIntegration(fn));

    const method = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::Method'))[0];
    expect(JSON.stringify(method.Properties.Integration.Uri)).toMatch(/:lambda:path\/2015-03-31\/functions\/",\{"Ref":"FnAlias[0-9A-F]+"\},"\/invocations/);
    expectAliasPermission(stack, 'apigateway.amazonaws.com', { SourceArn: Match.anyValue() });
    expectNoBareFunction(stack);
  });

  test('EventBridge: a LambdaFunction target is the alias, with a permission for that rule only', () => {
    const { stack, fn } = given();
    const rule = new events.Rule(stack, 'Nightly', { schedule: events.Schedule.cron({ hour: '3', minute: '0' }) });
    rule.addTarget(new targets.LambdaFunction(fn));

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: ALIAS_REF })] });
    expectAliasPermission(stack, 'events.amazonaws.com', { SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Nightly'), 'Arn'] } });
    expectNoBareFunction(stack);
  });

  test('Step Functions: LambdaInvoke calls the alias, and the state machine role may invoke the alias alone', () => {
    const { stack, fn } = given();
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new tasks.LambdaInvoke(stack, 'T', { lambdaFunction: fn })),
    });

    const template = Template.fromStack(stack);
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(JSON.stringify(machine.Properties.DefinitionString)).toMatch(/"FunctionName\\":\\"",\{"Ref":"FnAlias[0-9A-F]+"\}/);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: ALIAS_REF,
        }],
      },
    });
    expectNoBareFunction(stack);
  });

  test('custom resources: a Provider\'s framework calls the alias as its onEvent handler, allowed by its role', () => {
    const { stack, fn } = given();
    const provider = new cr.Provider(stack, 'P', { onEventHandler: fn });
    new CustomResource(stack, 'Resource', { serviceToken: provider.serviceToken });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: ALIAS_REF } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: ALIAS_REF })]),
      },
    });
    expectNoBareFunction(stack);
  });

  test('S3: a LambdaDestination notifies the alias, which S3 may invoke for this bucket and account', () => {
    const { stack, fn } = given();
    const bucket = new s3.Bucket(stack, 'Uploads');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));

    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [Match.objectLike({ LambdaFunctionArn: ALIAS_REF })] },
    });
    expectAliasPermission(stack, 's3.amazonaws.com', {
      SourceAccount: '123456789012',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Uploads'), 'Arn'] },
    });
    // The notification waits for the permission, or S3 refuses to validate the destination.
    const [permissionId] = Object.keys(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 's3.amazonaws.com' } }));
    template.hasResource('Custom::S3BucketNotifications', { DependsOn: Match.arrayWith([permissionId]) });
    expectNoBareFunction(stack);
  });

  test('SNS: a LambdaSubscription subscribes the alias, which SNS may invoke for this topic only', () => {
    const { stack, fn } = given();
    const topic = new sns.Topic(stack, 'Orders');
    topic.addSubscription(new subs.LambdaSubscription(fn));

    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', Endpoint: ALIAS_REF });
    expectAliasPermission(stack, 'sns.amazonaws.com', { SourceArn: { Ref: Match.stringLikeRegexp('^Orders') } });
    expectNoBareFunction(stack);
  });

  test('SQS: an event source maps the queue to the alias', () => {
    const { stack, fn } = given();
    fn.addEventSource(new eventsources.SqsEventSource(new sqs.Queue(stack, 'Work', { enforceSSL: true })));

    const mapping = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'))[0];
    // the alias's qualified function name: <function name>:live
    expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(/"Ref":"FnAlias[0-9A-F]+".*":live"/);
    expectNoBareFunction(stack);
  });

  test('Elastic Load Balancing: a LambdaTarget (grantInvoke with a service principal) is the alias, scoped to this account', () => {
    const { stack, fn } = given();
    new elbv2.ApplicationTargetGroup(stack, 'Targets', { targets: [new elbv2targets.LambdaTarget(fn)] });

    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda', Targets: [{ Id: ALIAS_REF }],
    });
    expectAliasPermission(stack, 'elasticloadbalancing.amazonaws.com', { SourceAccount: '123456789012' });
    expectNoBareFunction(stack);
  });

  test('Secrets Manager: a rotation schedule rotates with the alias, which Secrets Manager may invoke for this account', () => {
    const { stack, fn } = given();
    new secretsmanager.Secret(stack, 'Secret').addRotationSchedule('Rotation', { rotationLambda: fn });

    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationLambdaARN: ALIAS_REF });
    expectAliasPermission(stack, 'secretsmanager.amazonaws.com', { SourceAccount: '123456789012' });
    expectNoBareFunction(stack);
  });
});

describe('the lambda.IFunction members answer as the alias does', () => {
  test('names, ARNs and references are the alias\'s; the permissions node is the alias\'s', () => {
    const { stack, construct: fn } = given();
    expect(fn.functionArn).toBe(fn.alias.functionArn);
    expect(fn.functionName).toBe(fn.alias.functionName);
    expect(stack.resolve(fn.functionName)).toEqual({ 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', aliasRefOf(stack, fn)] }] }, ':live']] });
    expect(fn.functionRef).toEqual({ functionArn: fn.alias.functionArn, functionName: fn.alias.functionName });
    expect(fn.resourceArnsForGrantInvoke).toEqual([fn.alias.functionArn]);
    expect(fn.permissionsNode).toBe(fn.alias.node);
    expect(fn.stack).toBe(stack);
    expect(fn.env).toEqual({ account: '123456789012', region: 'us-east-1' });
    expect(fn.architecture).toBe(lambda.Architecture.X86_64);
    expect(fn.tenancyConfig).toBeUndefined();
    expect(fn.latestVersion).toBe(fn.function.latestVersion);
    expect(fn.latestVersion.version).toBe('$LATEST');
  });

  test('connections exist only in a VPC', () => {
    const { construct: fn } = given();
    expect(fn.isBoundToVpc).toBe(false);
    expect(() => fn.connections).toThrow(/Only VPC-associated Lambda Functions have security groups/);

    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const inVpc = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', vpc });
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc });
    inVpc.connections.allowTo(db, ec2.Port.tcp(5432));
    expect(inVpc.isBoundToVpc).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'GroupId'] },
    });
  });

  test('addEventSourceMapping maps to the alias', () => {
    const { stack, construct: fn } = given();
    const queue = new sqs.Queue(stack, 'Work', { enforceSSL: true });
    fn.addEventSourceMapping('Work', { eventSourceArn: queue.queueArn, batchSize: 5 });
    const mapping = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'))[0];
    expect(mapping.Properties.BatchSize).toBe(5);
    expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(/"Ref":"FnAlias[0-9A-F]+".*":live"/);
  });

  test('addToRolePolicy adds to the execution role', () => {
    const { stack, construct: fn } = given();
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnServiceRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }]) },
    });
  });

  test('applyRemovalPolicy applies to the function and the alias, and leaves the versions retained', () => {
    const { stack, construct: fn } = given();
    fn.applyRemovalPolicy(RemovalPolicy.DESTROY);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Lambda::Function', { Properties: { Handler: 'function.handler' }, DeletionPolicy: 'Delete' });
    template.hasResource('AWS::Lambda::Alias', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::Lambda::Version', { DeletionPolicy: 'Retain' });
  });
});

/** How the alias's `Ref` resolves in `stack`. */
function aliasRefOf(stack: Stack, fn: CustomRuntimeFunction): unknown {
  return stack.resolve((fn.alias.node.defaultChild as lambda.CfnAlias).ref);
}
