import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InvalidPropertyError } from './errors';
import type { FunctionAlarmsOptions } from '../alarms';

/** What this check reads of `CustomRuntimeFunctionProps` (declared here: no import of the public module that calls it). */
export interface CombinedProps extends lambda.FunctionOptions {
  readonly alarms?: FunctionAlarmsOptions;
}

/**
 * Refuses properties that cannot apply together, rather than dropping one of them silently. The dead-letter
 * combinations are refused where the target is chosen (`configureDeadLetter`).
 */
export function checkConflictingProps(scope: Construct, props: CombinedProps): void {
  if (props.logGroup) {
    const ignored = [props.logRetention !== undefined && 'logRetention', props.logRemovalPolicy !== undefined && 'logRemovalPolicy'].filter(Boolean);
    if (ignored.length > 0) {
      throw new InvalidPropertyError(scope, `${ignored.join(' and ')} cannot be combined with logGroup: they configure the log group this construct creates, `
        + 'and with your own logGroup none is created. Set retention and removal policy on your log group, or remove logGroup');
    }
  }
  const logRetentionOnly = [props.logRetentionRole && 'logRetentionRole', props.logRetentionRetryOptions && 'logRetentionRetryOptions'].filter(Boolean);
  if (logRetentionOnly.length > 0) {
    throw new InvalidPropertyError(scope, `${logRetentionOnly.join(' and ')} would be ignored: ${logRetentionOnly.length > 1 ? 'they configure' : 'it configures'} aws-cdk-lib's LogRetention custom resource, `
      + 'which this construct never uses (it creates a log group with logRetention instead); remove them');
  }
  const alarms = props.alarms;
  if (alarms?.enabled === false) {
    const settings = Object.entries(alarms).filter(([key, value]) => key !== 'enabled' && value !== undefined).map(([key]) => `alarms.${key}`);
    if (settings.length > 0) {
      throw new InvalidPropertyError(scope, `alarms.enabled is false, so ${settings.join(', ')} would be ignored; remove ${settings.length > 1 ? 'them' : 'it'} or turn the alarms on`);
    }
  }
}
