import { Annotations, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { skipCheckovChecks } from './checkov';
import { InvalidPropertyError } from './errors';
import { acknowledgeNagFindings } from './nag';

/** Where a function's failed asynchronous events go. */
export interface DeadLetterTarget {
  readonly queue?: sqs.IQueue;
  readonly topic?: sns.ITopic;
}

/** The dead-letter settings of `lambda.FunctionOptions`, plus our key. */
export interface DeadLetterSettings {
  readonly deadLetterQueue?: sqs.IQueue;
  readonly deadLetterQueueEnabled?: boolean;
  readonly deadLetterTopic?: sns.ITopic;
  readonly deadLetterQueueEncryptionKey?: kms.IKey;
}

/**
 * Resolves the dead-letter target: the user's topic or queue, none when turned off (with a warning),
 * or a new encrypted, TLS-only queue. `deadLetterPermissions` then lets the role send to it.
 */
export function configureDeadLetter(scope: Construct, settings: DeadLetterSettings): DeadLetterTarget {
  const ownQueue = !settings.deadLetterTopic && !settings.deadLetterQueue && settings.deadLetterQueueEnabled !== false;
  if (settings.deadLetterQueueEncryptionKey && !ownQueue) {
    throw new InvalidPropertyError(scope, 'deadLetterQueueEncryptionKey only encrypts the queue this construct creates; '
      + 'with deadLetterQueue, deadLetterTopic or deadLetterQueueEnabled: false it would be ignored, so remove it');
  }
  if (settings.deadLetterTopic) {
    if (settings.deadLetterQueue || settings.deadLetterQueueEnabled !== undefined) {
      throw new InvalidPropertyError(scope, 'deadLetterTopic cannot be combined with deadLetterQueue or deadLetterQueueEnabled; give one dead-letter target');
    }
    return { topic: settings.deadLetterTopic };
  }
  if (settings.deadLetterQueueEnabled === false) {
    if (settings.deadLetterQueue) {
      throw new InvalidPropertyError(scope, 'deadLetterQueue is set but deadLetterQueueEnabled is false; remove one of them');
    }
    Annotations.of(scope).addWarningV2('cdk-custom-runtime:noDeadLetterQueue',
      'The dead-letter queue is turned off: asynchronous events that fail every retry are lost.');
    return {};
  }
  return { queue: settings.deadLetterQueue ?? createDeadLetterQueue(scope, settings.deadLetterQueueEncryptionKey) };
}

/**
 * What the role needs to send to the target: `sqs:SendMessage` or `sns:Publish` on it (the statement aws-cdk-lib's
 * `Function` would add to the role's default policy), and the target's customer managed key, which aws-cdk-lib
 * does not grant by itself.
 */
export function deadLetterStatement(target: DeadLetterTarget): iam.PolicyStatement | undefined {
  if (target.topic) { return new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [target.topic.topicArn] }); }
  if (target.queue) { return new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [target.queue.queueArn] }); }
  return undefined;
}

/** SQS and SNS need the sender to use the queue's or topic's customer managed key. */
export function grantDeadLetterKey(role: iam.IRole, target: DeadLetterTarget): void {
  (target.topic?.masterKey ?? target.queue?.encryptionMasterKey)?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** The function's `DeadLetterConfig`: set on the L1 so that aws-cdk-lib adds no statement of its own. */
export function deadLetterTargetArn(target: DeadLetterTarget): string | undefined {
  return target.topic?.topicArn ?? target.queue?.queueArn;
}

/**
 * With a dead-letter target, events that fail every retry are kept; cdk-nag's failure-destination rule
 * asks for the same thing through an `onFailure` destination.
 */
export function acknowledgeFailureDestinationFinding(alias: lambda.Alias): void {
  const config = alias.node.tryFindChild('EventInvokeConfig');
  if (!config) { return; }
  acknowledgeNagFindings(config, [{
    id: 'Serverless-LambdaAsyncFailureDestination',
    reason: 'Events that fail every retry go to the function\'s dead-letter queue or topic (DeadLetterConfig), so none is lost without an onFailure destination.',
  }]);
}

function createDeadLetterQueue(scope: Construct, encryptionKey?: kms.IKey): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
    encryptionMasterKey: encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // Control Tower's CT.SQS.PR.1 wants a dead-letter queue to say who may use it as one, and accepts only allowAll
    // or byQueue. byQueue needs 1 to 10 source queues (SQS and aws-cdk-lib refuse it without), and no queue sends here:
    // Lambda does. allowAll is what SQS applies without this policy, so writing it down changes no permission.
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });
  acknowledgeNagFindings(queue, [{
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This queue is itself the dead-letter queue of the function; a redrive policy for it would only move the problem.',
  }]);
  if (!encryptionKey) {
    skipCheckovChecks(queue, [{
      id: 'CKV_AWS_27',
      comment: 'Encrypted at rest with SQS-managed keys (SqsManagedSseEnabled); the check only sees KmsMasterKeyId. '
        + 'deadLetterQueueEncryptionKey encrypts with a customer managed key instead.',
    }]);
  }
  return queue;
}
