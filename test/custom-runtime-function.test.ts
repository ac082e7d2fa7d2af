import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomRuntimeFunction, ShellRuntime } from '../src';
import { echoCode, newStack, resourceCounts, resourcesOfType, snapshotOf } from './util';

describe('CustomRuntimeFunction with nothing but code and handler', () => {
  // GIVEN
  const stack = newStack();
  // WHEN
  const fn = new CustomRuntimeFunction(stack, 'Echo', { code: echoCode(), handler: 'function.handler' });
  const template = Template.fromStack(stack);

  test('is 14 resources: layer, function, version, alias, role and policy, log group, dead-letter queue and policy, 5 alarms', () => {
    expect(resourceCounts(stack)).toEqual({
      'AWS::Lambda::LayerVersion': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::Version': 1,
      'AWS::Lambda::Alias': 1,
      'AWS::IAM::Role': 1,
      'AWS::IAM::Policy': 1,
      'AWS::Logs::LogGroup': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      'AWS::CloudWatch::Alarm': 5,
    });
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('runs on provided.al2023 with the shell runtime layer, explicit memory and timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Handler: 'function.handler',
      MemorySize: 256,
      Timeout: 30,
      Layers: [{ Ref: Match.stringLikeRegexp('^CdkCustomRuntimeShellRuntimex8664') }],
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EchoDeadLetterQueue'), 'Arn'] } },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^EchoLogGroup') } },
    });
    expect(fn.runtimeLayer).toBe(ShellRuntime.layer(stack));
  });

  test('publishes a retained version and points the alias "live" at it', () => {
    const versions = resourcesOfType(stack, 'AWS::Lambda::Version');
    expect(versions).toHaveLength(1);
    expect(versions[0][1]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [versions[0][0], 'Version'] },
    });
    expect(fn.alias.aliasName).toBe('live');
  });

  test('creates an SSE-encrypted, TLS-only dead-letter queue with 14-day retention', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Effect: 'Deny',
          Action: 'sqs:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })],
      },
    });
    expect(fn.deadLetterQueue).toBeDefined();
  });

  test('creates a log group with one month of retention, retained on delete', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
    });
  });

  /** The statements of the role's inline policy `name`. */
  const inlineStatements = (name: string) => resourcesOfType(stack, 'AWS::IAM::Role')[0][1].Properties.Policies
    .find((p: any) => p.PolicyName === name).PolicyDocument.Statement;

  test('the role has no managed policies, and its log permissions are scoped to the log group', () => {
    const roles = resourcesOfType(stack, 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    expect(roles[0][1].Properties.ManagedPolicyArns).toBeUndefined();
    expect(inlineStatements('Function')).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^EchoLogGroup/), 'Arn'] },
    });
  });

  test('every permission is an inline policy of the role, which the function references (so CloudFormation creates them first): no AWS::IAM::Policy resource', () => {
    const [roleId, role] = resourcesOfType(stack, 'AWS::IAM::Role')[0];
    expect(role.Properties.Policies.map((p: any) => p.PolicyName)).toEqual(['Function', 'Tracing']);
    expect(inlineStatements('Tracing')).toEqual([{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
    const [, fnResource] = resourcesOfType(stack, 'AWS::Lambda::Function')[0];
    expect(fnResource.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    // The GetAtt orders the role, inline policies included, before the function: a DependsOn on it as well is redundant (cfn-lint W3005).
    expect(fnResource.DependsOn ?? []).not.toContain(roleId);
    expect(resourcesOfType(stack, 'AWS::IAM::Policy')).toHaveLength(0);
  });

  test('the function gets the dead-letter permission on its queue only', () => {
    expect(inlineStatements('Function')).toContainEqual({
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^EchoDeadLetterQueue/), 'Arn'] },
    });
  });

  test('a grant made later lands in a default policy that the function depends on', () => {
    const later = newStack();
    const laterFn = new CustomRuntimeFunction(later, 'Fn', { code: echoCode(), handler: 'function.handler' });
    new sqs.Queue(later, 'Work').grantConsumeMessages(laterFn);
    const [policyId] = resourcesOfType(later, 'AWS::IAM::Policy').find(([id]) => id.startsWith('FnServiceRoleDefaultPolicy'))!;
    const [, fnResource] = resourcesOfType(later, 'AWS::Lambda::Function')[0];
    expect(fnResource.DependsOn).toEqual(expect.arrayContaining([policyId]));
  });

  test('the shell runtime layer serves both custom runtimes and is retained', () => {
    template.hasResource('AWS::Lambda::LayerVersion', {
      Properties: {
        CompatibleRuntimes: ['provided.al2023', 'provided.al2'],
        CompatibleArchitectures: ['x86_64'],
        LicenseInfo: 'Apache-2.0',
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('CustomRuntimeFunction options', () => {
  test('provided.al2 is accepted', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', runtime: lambda.Runtime.PROVIDED_AL2 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2' });
  });

  test('one shell runtime layer per stack and architecture, however many functions', () => {
    const stack = newStack();
    for (let i = 0; i < 3; i++) {
      new CustomRuntimeFunction(stack, `X${i}`, { code: echoCode(), handler: 'function.handler' });
      new CustomRuntimeFunction(stack, `A${i}`, { code: echoCode(), handler: 'function.handler', architecture: lambda.Architecture.ARM_64 });
    }
    const layers = resourcesOfType(stack, 'AWS::Lambda::LayerVersion').map(([, r]) => r.Properties.CompatibleArchitectures);
    expect(layers).toEqual(expect.arrayContaining([['x86_64'], ['arm64']]));
    expect(layers).toHaveLength(2);
  });

  test('tracing set explicitly to Active still keeps X-Ray out of the default policy', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', tracing: lambda.Tracing.ACTIVE });
    const statements = JSON.stringify(resourcesOfType(stack, 'AWS::IAM::Policy').map(([, p]) => p.Properties.PolicyDocument));
    expect(statements).not.toContain('xray:');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
  });

  test('tracing can be PassThrough or disabled', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Pass', { code: echoCode(), handler: 'function.handler', tracing: lambda.Tracing.PASS_THROUGH });
    new CustomRuntimeFunction(stack, 'Off', { code: echoCode(), handler: 'function.handler', tracing: lambda.Tracing.DISABLED });
    const fns = Object.fromEntries(resourcesOfType(stack, 'AWS::Lambda::Function').map(([id, r]) => [id.slice(0, 4), r.Properties.TracingConfig]));
    expect(fns.Pass).toEqual({ Mode: 'PassThrough' });
    expect(fns.OffF).toBeUndefined();
    const policiesOf = (prefix: string) => resourcesOfType(stack, 'AWS::IAM::Role').find(([id]) => id.startsWith(prefix))![1].Properties.Policies
      .map((p: any) => p.PolicyName);
    expect(policiesOf('Pass')).toEqual(['Function', 'Tracing']);
    expect(policiesOf('Off')).toEqual(['Function']);
  });

  test('custom alias name, memory, timeout, log retention and environment pass through', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', {
      code: echoCode(),
      handler: 'function.handler',
      aliasName: 'prod',
      memorySize: 1024,
      timeout: Duration.minutes(2),
      logRetention: logs.RetentionDays.ONE_WEEK,
      environment: { STAGE: 'prod' },
      description: 'echo',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024, Timeout: 120, Environment: { Variables: { STAGE: 'prod' } }, Description: 'echo',
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    // logRetention never goes through aws-cdk-lib's LogRetention custom resource (a second function with a managed policy)
    template.resourceCountIs('Custom::LogRetention', 0);
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('a user role is used as is, with log permissions added', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', role });
    expect(fn.role).toBe(role);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 1);
  });

  test('a user role gets the log, dead-letter and X-Ray permissions; an immutable one is documented as the user\'s to equip', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/existing');
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', role });
    const statements = resourcesOfType(stack, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles) === '["existing"]')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.map((st: any) => st.Action));
    expect(statements).toEqual(expect.arrayContaining([
      ['logs:CreateLogStream', 'logs:PutLogEvents'], 'sqs:SendMessage', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
    ]));
    // the X-Ray policy is its own resource there, and the function waits for it
    const [tracingId] = resourcesOfType(stack, 'AWS::IAM::Policy').find(([id]) => id.startsWith('FnTracingPolicy'))!;
    expect(resourcesOfType(stack, 'AWS::Lambda::Function')[0][1].DependsOn).toEqual(expect.arrayContaining([tracingId]));
  });

  test('a VPC function with a user role warns that the network-interface permissions are the user\'s to grant', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', role, vpc });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('VPC network-interface permissions .* are yours to grant'));
    expect(resourcesOfType(stack, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('FnVpcAccessPolicy'))).toHaveLength(0);
  });

  test('a VPC function with its own role gets the network-interface actions inline', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', vpc });
    const [, role] = resourcesOfType(stack, 'AWS::IAM::Role').find(([id]) => id.startsWith('FnServiceRole'))!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies.map((p: any) => p.PolicyName)).toEqual(['Function', 'Tracing', 'VpcAccess']);
    expect(role.Properties.Policies[2].PolicyDocument.Statement[0].Action).toContain('ec2:CreateNetworkInterface');
  });

  test('grants to the construct go to its role', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler' });
    expect(fn.grantPrincipal).toBe(fn.role);
  });
});
