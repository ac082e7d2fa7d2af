/**
 * Lambda's quotas and defaults, as the local runner applies them: every
 * module of the runner takes its numbers from here.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
import { InvokeError } from './errors';

/** The synchronous (`RequestResponse`) payload limit, for requests and responses: 6 MB. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** The limit for an `Event` (asynchronous) invocation's payload: 1 MB. */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/** The request payload limit of an invocation type: 1 MB for `Event`, 6 MB otherwise. */
export function maxRequestBytes(invocationType: string | undefined): number {
  return invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
}

/** Lambda's `RequestTooLargeException` when a request of `size` bytes is over its invocation type's limit. */
export function checkRequestSize(size: number, invocationType: string | undefined): void {
  const limit = maxRequestBytes(invocationType);
  if (size > limit) {
    throw new InvokeError('RequestTooLargeException',
      `Request must be smaller than ${limit} bytes for the ${invocationType === 'Event' ? 'InvokeAsync' : 'InvokeFunction'} operation`);
  }
}

/** `X-Amz-Client-Context` is at most 3583 bytes (base64). */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;
/** `LogResult` holds the last 4 KB of the invocation's log. */
export const LOG_TAIL_BYTES = 4096;
/** A DLQ message attribute `ErrorMessage` holds the first 1 KB of the error message. */
export const DLQ_ERROR_MESSAGE_BYTES = 1024;

/** `Timeout` when unset: 3 seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 3;
/** `MemorySize` when unset: 128 MB. */
export const DEFAULT_MEMORY_SIZE = 128;
/** The init phase of an on-demand environment is limited to 10 seconds. */
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;

/** Retries of a failed asynchronous invocation when no `EventInvokeConfig` says otherwise. */
export const DEFAULT_MAX_RETRY_ATTEMPTS = 2;
/** How long an asynchronous invocation is kept when no `EventInvokeConfig` says otherwise: 6 hours. */
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 6 * 60 * 60;

/** A streamed response (`InvokeWithResponseStream`, function URLs in `RESPONSE_STREAM` mode) is at most 20 MB. */
export const MAX_STREAMED_RESPONSE_BYTES = 20 * 1024 * 1024;
