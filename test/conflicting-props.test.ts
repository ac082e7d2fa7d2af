import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomRuntimeFunction, CustomRuntimeFunctionProps } from '../src';
import { echoCode, newStack } from './util';

/** Props that cannot apply together, each built in the stack, and the error that names the construct. */
const CONFLICTS: [string, (stack: Stack) => Partial<CustomRuntimeFunctionProps>, RegExp][] = [
  ['deadLetterQueueEnabled: false with deadLetterQueue', (s) => ({ deadLetterQueueEnabled: false, deadLetterQueue: new sqs.Queue(s, 'Q') }),
    /TestStack\/Fn: deadLetterQueue is set but deadLetterQueueEnabled is false/],
  ['deadLetterQueueEnabled: false with deadLetterTopic', (s) => ({ deadLetterQueueEnabled: false, deadLetterTopic: new sns.Topic(s, 'T') }),
    /TestStack\/Fn: deadLetterTopic cannot be combined with deadLetterQueue or deadLetterQueueEnabled/],
  ['deadLetterQueueEnabled: false with deadLetterQueueEncryptionKey', (s) => ({ deadLetterQueueEnabled: false, deadLetterQueueEncryptionKey: new kms.Key(s, 'K') }),
    /TestStack\/Fn: deadLetterQueueEncryptionKey only encrypts the queue this construct creates/],
  ['deadLetterQueue with deadLetterQueueEncryptionKey', (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Q'), deadLetterQueueEncryptionKey: new kms.Key(s, 'K') }),
    /TestStack\/Fn: deadLetterQueueEncryptionKey only encrypts the queue this construct creates/],
  ['logRetentionRole (no LogRetention custom resource here)', (s) => ({ logRetentionRole: new iam.Role(s, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }) }),
    /TestStack\/Fn: logRetentionRole would be ignored: it configures aws-cdk-lib's LogRetention custom resource/],
  ['logRetentionRetryOptions', () => ({ logRetentionRetryOptions: { maxRetries: 3 } }), /TestStack\/Fn: logRetentionRetryOptions would be ignored/],
  ['alarms.enabled: false with a condition\'s settings', () => ({ alarms: { enabled: false, errorRate: { threshold: 5 } } }),
    /TestStack\/Fn: alarms.enabled is false, so alarms.errorRate would be ignored; remove it or turn the alarms on/],
  ['alarms.enabled: false with a topic and settings', (s) => ({ alarms: { enabled: false, alarmTopic: new sns.Topic(s, 'T'), throttles: {} } }),
    /TestStack\/Fn: alarms.enabled is false, so alarms.alarmTopic, alarms.throttles would be ignored; remove them/],
];

describe('props that cannot apply together are refused at synth, naming the construct', () => {
  test.each(CONFLICTS)('%s', (_name, conflicting, message) => {
    const stack = newStack();
    expect(() => new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', ...conflicting(stack) })).toThrow(message);
  });

  test('each half alone is accepted', () => {
    const stack = newStack();
    const fns: Partial<CustomRuntimeFunctionProps>[] = [
      { deadLetterQueueEnabled: false }, { deadLetterQueue: new sqs.Queue(stack, 'Q') }, { deadLetterTopic: new sns.Topic(stack, 'T') },
      { deadLetterQueueEncryptionKey: new kms.Key(stack, 'K') }, { alarms: { enabled: false } }, { alarms: { errorRate: { threshold: 5 } } },
    ];
    fns.forEach((props, i) => expect(() => new CustomRuntimeFunction(stack, `Fn${i}`, { code: echoCode(), handler: 'function.handler', ...props })).not.toThrow());
  });

  test('a user role with tracing on gets X-Ray as a policy of its own, which the function depends on', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', role });
    const policy = fn.node.findChild('TracingPolicy');
    expect(fn.function.node.dependencies).toContain(policy);
  });
});
