import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const ECHO_HANDLER_DIR = path.join(FIXTURES, 'handlers', 'echo');

/** A stack in a fresh app, with a fixed environment so that templates are stable. */
export function newStack(id = 'TestStack'): Stack {
  const app = new App();
  return new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The code of the echo handler used across the tests. */
export function echoCode(): lambda.Code {
  return lambda.Code.fromAsset(ECHO_HANDLER_DIR);
}

/**
 * The stack's template with asset hashes replaced, so that snapshots catch real drift
 * and not a changed fixture byte or a different checkout path.
 */
export function snapshotOf(stack: Stack): unknown {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(json
    .replace(/[0-9a-f]{64}/g, '[HASH REMOVED]')
    .replace(/CurrentVersion[0-9A-Fa-f]{40}/g, 'CurrentVersion[VERSION HASH]'));
}

/** The resources of one type, as [logicalId, resource] pairs. */
export function resourcesOfType(stack: Stack, type: string): [string, any][] {
  return Object.entries(Template.fromStack(stack).findResources(type));
}

/** How many resources of each type the stack has, to pair a whole-template snapshot with what it must hold. */
export function resourceCounts(stack: Stack): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of Object.values<any>(Template.fromStack(stack).toJSON().Resources)) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}
