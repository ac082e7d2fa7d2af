/**
 * Destinations of asynchronous invocations (`OnSuccess`, `OnFailure` of an
 * `EventInvokeConfig`), in Lambda's invocation record format. A destination
 * that is a function of the assembly is invoked locally (asynchronously, as
 * Lambda does); any other (a queue, a topic, an event bus) is a JSON Lines file
 * beside the dead-letter queue files, one per destination.
 */
import * as path from 'node:path';
import { DestinationInfo } from './function-discovery';

/** `requestContext.condition`: why the record was sent. */
export type DestinationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

/** Lambda's invocation record, as a destination receives it. */
export interface InvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    /** The function's ARN with the invoked qualifier (`$LATEST` when unqualified). */
    readonly functionArn: string;
    readonly condition: DestinationCondition;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  };
  /** The function's response or error object; absent when it never ran. */
  readonly responsePayload?: unknown;
}

export interface RecordInput {
  readonly requestId: string;
  readonly functionArn: string;
  readonly executedVersion: string;
  readonly condition: DestinationCondition;
  readonly attempts: number;
  readonly event: Buffer;
  /** The last attempt's result, if there was one. */
  readonly last?: { readonly payload: Buffer; readonly functionError?: string };
}

export function invocationRecord(input: RecordInput, now: Date = new Date()): InvocationRecord {
  return {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.attempts,
    },
    requestPayload: parsed(input.event),
    responseContext: {
      statusCode: 200,
      executedVersion: input.executedVersion,
      ...(input.last?.functionError ? { functionError: input.last.functionError } : {}),
    },
    ...(input.last ? { responsePayload: parsed(input.last.payload) } : {}),
  };
}

/** The file of a destination that is not a local function: named after its logical ID, else after its ARN. */
export function destinationFile(dir: string, destination: DestinationInfo): string {
  const name = destination.logicalId ?? destination.arn ?? 'unresolved';
  return path.join(dir, `destination.${name.replace(/[^A-Za-z0-9._-]/g, '.')}.jsonl`);
}

/** A payload as JSON when it is, else as text (a response need not be JSON). */
function parsed(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text === '') {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
