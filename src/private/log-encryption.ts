import { Annotations, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { skipCheckovChecks } from './checkov';
import { InvalidPropertyError } from './errors';

/** The log settings of `lambda.FunctionOptions`, plus our key. */
export interface LogEncryptionSettings {
  readonly logGroup?: logs.ILogGroupRef;
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The key for the log group the construct creates, after letting CloudWatch Logs use it.
 *
 * CloudWatch Logs encrypts with the key itself (the function's role needs no KMS permission), so the key
 * policy must allow `logs.<region>.amazonaws.com`, limited by the encryption context CloudWatch Logs always
 * sends (`kms:EncryptionContext:aws:logs:arn`) to log groups of this account and region. The condition names
 * no single log group: the log group refers to the key, so a key policy naming the log group would be a
 * circular dependency. A key imported from elsewhere takes no statement: a warning says what to add.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function logGroupEncryptionKey(scope: Construct, settings: LogEncryptionSettings): kms.IKey | undefined {
  const key = settings.logEncryptionKey;
  if (!key) { return undefined; }
  if (settings.logGroup) {
    throw new InvalidPropertyError(scope, 'logEncryptionKey only encrypts the log group this construct creates; '
      + 'with logGroup it would be ignored, so set encryptionKey on your log group and remove logEncryptionKey');
  }
  const stack = Stack.of(scope);
  const { statementAdded } = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchLogsEncryptsLogGroups',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }));
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-custom-runtime:logKeyPolicyNotUpdated',
      `logEncryptionKey is not defined in this app, so its key policy cannot be changed: allow logs.${stack.region}.amazonaws.com `
      + 'kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* on it, with an ArnLike condition on '
      + 'kms:EncryptionContext:aws:logs:arn, or the log group cannot be created.');
  }
  return key;
}

/** A log group the construct creates without `logEncryptionKey` is encrypted all the same, with keys CloudWatch Logs manages. */
export function skipLogGroupKeyCheck(logGroup: logs.ILogGroup): void {
  skipCheckovChecks(logGroup, [{
    id: 'CKV_AWS_158',
    comment: 'CloudWatch Logs encrypts every log group at rest with keys it manages; a customer managed key costs 1 USD a month '
      + 'and needs a key policy for CloudWatch Logs, so it is a choice: logEncryptionKey.',
  }]);
}
