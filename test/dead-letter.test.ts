import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomRuntimeFunction } from '../src';
import { echoCode, newStack, resourcesOfType } from './util';

/** Fresh props per stack: an asset belongs to one stack. */
const base = () => ({ code: echoCode(), handler: 'function.handler' });

describe('dead-letter target', () => {
  test('the user\'s queue is used instead of a new one', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Mine', { enforceSSL: true });
    const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), deadLetterQueue: queue });
    expect(fn.deadLetterQueue).toBe(queue);
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 1);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } },
    });
  });

  test('the user\'s topic is used, with publish permission on it alone', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), deadLetterTopic: topic });
    expect(fn.deadLetterTopic).toBe(topic);
    expect(fn.deadLetterQueue).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: { Ref: Match.stringLikeRegexp('^Topic') } } });
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: Match.arrayWith([{
        PolicyName: 'Function',
        PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^Topic') } }]) }),
      }]),
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('off, explicitly, with an acknowledgeable warning', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', { ...base(), deadLetterQueueEnabled: false });
    expect(fn.deadLetterQueue).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 0);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: Match.absent() });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('dead-letter queue is turned off'));
  });

  test('a customer managed key encrypts the queue, and the role may use it to send', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new CustomRuntimeFunction(stack, 'Fn', { ...base(), deadLetterQueueEncryptionKey: key });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        })]),
      },
    });
  });

  test('the queue it creates may be named as a dead-letter queue by the account\'s queues (allowAll, SQS\'s own default), for CT.SQS.PR.1', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Fn', base());
    const [, queue] = resourcesOfType(stack, 'AWS::SQS::Queue')[0];
    expect(queue.Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'allowAll' });
    expect(queue.Properties.RedrivePolicy).toBeUndefined();
  });

  test('SSE-SQS is recorded as the reason Checkov\'s CKV_AWS_27 does not apply; with a key there is nothing to skip', () => {
    const sseSqs = newStack();
    new CustomRuntimeFunction(sseSqs, 'Fn', base());
    const [, queue] = resourcesOfType(sseSqs, 'AWS::SQS::Queue')[0];
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Metadata.checkov.skip).toEqual([{ id: 'CKV_AWS_27', comment: expect.stringMatching(/SQS-managed keys.*deadLetterQueueEncryptionKey/) }]);

    const withKey = newStack();
    new CustomRuntimeFunction(withKey, 'Fn', { ...base(), deadLetterQueueEncryptionKey: new kms.Key(withKey, 'Key', { enableKeyRotation: true }) });
    expect(resourcesOfType(withKey, 'AWS::SQS::Queue')[0][1].Metadata.checkov).toBeUndefined();
  });

  test('a user queue encrypted with a customer managed key gets the KMS grant too', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const queue = new sqs.Queue(stack, 'Mine', { encryptionMasterKey: key, enforceSSL: true });
    new CustomRuntimeFunction(stack, 'Fn', { ...base(), deadLetterQueue: queue });
    const kmsStatements = resourcesOfType(stack, 'AWS::IAM::Policy')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => JSON.stringify(s.Action).includes('kms:GenerateDataKey'));
    expect(kmsStatements).toHaveLength(1);
  });

  test('a topic encrypted with a customer managed key gets the KMS grant', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new CustomRuntimeFunction(stack, 'Fn', { ...base(), deadLetterTopic: new sns.Topic(stack, 'Topic', { masterKey: key }) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] })]) },
    });
  });

  test('a DLQ key with a queue or topic of the user\'s, or with the DLQ off, is refused rather than ignored', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const message = /TestStack\/[A-Z]: deadLetterQueueEncryptionKey only encrypts the queue this construct creates/;
    expect(() => new CustomRuntimeFunction(stack, 'T', { ...base(), deadLetterQueueEncryptionKey: key, deadLetterTopic: new sns.Topic(stack, 'Topic') })).toThrow(message);
    expect(() => new CustomRuntimeFunction(stack, 'Q', { ...base(), deadLetterQueueEncryptionKey: key, deadLetterQueue: new sqs.Queue(stack, 'Q2') })).toThrow(message);
    expect(() => new CustomRuntimeFunction(stack, 'O', { ...base(), deadLetterQueueEncryptionKey: key, deadLetterQueueEnabled: false })).toThrow(message);
  });

  test('the KMS data-key acknowledgement is recorded only with a destination, on the construct\'s own role', () => {
    const withDestination = newStack();
    const failures = new sqs.Queue(withDestination, 'Failures', { encryptionMasterKey: new kms.Key(withDestination, 'K', { enableKeyRotation: true }) });
    new CustomRuntimeFunction(withDestination, 'Fn', { ...base(), onFailure: new destinations.SqsDestination(failures) });
    const plain = newStack();
    new CustomRuntimeFunction(plain, 'Fn', base());
    const acknowledged = (stack: Stack) => JSON.stringify(resourcesOfType(stack, 'AWS::IAM::Policy').map(([, p]) => p.Metadata ?? {})).includes('kms:GenerateDataKey*');
    expect(acknowledged(withDestination)).toBe(true);
    expect(acknowledged(plain)).toBe(false);
  });

  test('conflicting dead-letter settings are refused with the construct path', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Q');
    const topic = new sns.Topic(stack, 'T');
    expect(() => new CustomRuntimeFunction(stack, 'A', { ...base(), deadLetterQueue: queue, deadLetterTopic: topic }))
      .toThrow('TestStack/A: deadLetterTopic cannot be combined with deadLetterQueue or deadLetterQueueEnabled; give one dead-letter target');
    expect(() => new CustomRuntimeFunction(stack, 'B', { ...base(), deadLetterQueue: queue, deadLetterQueueEnabled: false }))
      .toThrow('TestStack/B: deadLetterQueue is set but deadLetterQueueEnabled is false; remove one of them');
  });
});
