import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CustomRuntimeFunction } from '../src';
import { echoCode, newStack, resourcesOfType } from './util';

/** Fresh props per stack: an asset belongs to one stack. */
const base = () => ({ code: echoCode(), handler: 'function.handler' });

/** The statement CloudWatch Logs needs in the key policy, for log groups of the stack's account and region. */
const LOGS_STATEMENT = {
  Sid: 'CloudWatchLogsEncryptsLogGroups',
  Effect: 'Allow',
  Principal: { Service: 'logs.us-east-1.amazonaws.com' },
  Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
  Resource: '*',
  Condition: {
    ArnLike: {
      'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] },
    },
  },
};

describe('logEncryptionKey', () => {
  test('encrypts the log group, and lets CloudWatch Logs of this account and region use the key for log groups only', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new CustomRuntimeFunction(stack, 'Fn', { ...base(), logEncryptionKey: key });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([LOGS_STATEMENT]) } });
    const [, logGroup] = resourcesOfType(stack, 'AWS::Logs::LogGroup')[0];
    expect(logGroup.Metadata?.checkov).toBeUndefined();
  });

  test('the function\'s role gets no KMS permission: CloudWatch Logs encrypts, not the writer', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', { ...base(), logEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    const policies = resourcesOfType(stack, 'AWS::IAM::Policy').map(([, p]) => JSON.stringify(p));
    expect(policies.join()).not.toMatch(/kms:/);
  });

  test('one key serves several functions with one statement', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new CustomRuntimeFunction(stack, 'A', { ...base(), logEncryptionKey: key });
    new CustomRuntimeFunction(stack, 'B', { ...base(), logEncryptionKey: key });
    const [, keyResource] = resourcesOfType(stack, 'AWS::KMS::Key')[0];
    expect(keyResource.Properties.KeyPolicy.Statement.filter((s: { Sid?: string }) => s.Sid === LOGS_STATEMENT.Sid)).toHaveLength(1);
  });

  test('an imported key cannot take the statement: an acknowledgeable warning says what to add', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new CustomRuntimeFunction(stack, 'Fn', { ...base(), logEncryptionKey: key });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn',
      Match.stringLikeRegexp('logEncryptionKey is not defined in this app.*logs\\.us-east-1\\.amazonaws\\.com.*kms:EncryptionContext:aws:logs:arn'));
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: key.keyArn });
  });

  test('refused with the user\'s logGroup, which it would not encrypt', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Mine');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new CustomRuntimeFunction(stack, 'Fn', { ...base(), logGroup, logEncryptionKey: key }))
      .toThrow(/^TestStack\/Fn: logEncryptionKey only encrypts the log group this construct creates; with logGroup it would be ignored/);
  });

  test('without it, the log group records why Checkov\'s CKV_AWS_158 does not apply', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', base());
    const [, logGroup] = resourcesOfType(stack, 'AWS::Logs::LogGroup')[0];
    expect(logGroup.Properties.KmsKeyId).toBeUndefined();
    expect(logGroup.Metadata.checkov.skip).toEqual([{ id: 'CKV_AWS_158', comment: expect.stringMatching(/keys it manages.*logEncryptionKey/) }]);
  });
});
