/**
 * Lambda's `InvokeWithResponseStream` on loopback:
 * `POST /2021-11-15/functions/{FunctionName}/response-streaming-invocations[?Qualifier=Q]`,
 * answered in the event-stream encoding that `@aws-sdk/client-lambda` reads: a `PayloadChunk`
 * event for every piece of the response as the runtime streams it, then `InvokeComplete`
 * (with `ErrorCode` and `ErrorDetails` when the function failed, `LogResult` with LogType Tail).
 * A buffered function's response arrives whole, in one chunk, as on Lambda.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { InvokeError } from './errors';
import { invokeComplete, InvokeCompleteFields, payloadChunk } from './event-stream';
import { errorBodyField } from './http-messages';
import { InvokeRequest, InvokeResponse, LocalRunner } from './local-runner';

export const RESPONSE_STREAM_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations\/?$/;

const STREAM_INVOCATION_TYPES = ['RequestResponse', 'DryRun'];

/**
 * Runs one invocation and streams its response to `res`. The status line and headers go out with
 * the first chunk, so that an error before it (no such function, a bad payload) is still Lambda's
 * error response; an `InvokeError` thrown then is for the caller to send.
 */
export async function streamInvocation(runner: LocalRunner, request: InvokeRequest, res: http.ServerResponse): Promise<void> {
  const invocationType = streamInvocationType(request.invocationType);
  const { executedVersion } = runner.assembly.resolve(request.functionName, request.qualifier);
  const requestId = randomUUID();
  const start = (status: number): void => {
    if (!res.headersSent) {
      res.writeHead(status, {
        'Content-Type': 'application/vnd.amazon.eventstream',
        'X-Amz-Executed-Version': executedVersion,
        'x-amzn-RequestId': requestId,
      });
    }
  };
  const result = await runner.invoke({
    ...request,
    invocationType,
    requestId,
    onResponseChunk: (chunk) => {
      start(200);
      res.write(payloadChunk(chunk));
    },
  });
  if (result.statusCode !== 200) {
    start(result.statusCode);
    res.end();
    return;
  }
  start(200);
  const { rest, complete } = streamCompletion(result);
  if (rest) {
    res.write(payloadChunk(rest));
  }
  res.end(invokeComplete(complete));
}

/** The invocation type of an `InvokeWithResponseStream`: `RequestResponse` (the default) or `DryRun`. */
export function streamInvocationType(invocationType: string | undefined): string {
  const type = invocationType ?? 'RequestResponse';
  if (!STREAM_INVOCATION_TYPES.includes(type)) {
    throw new InvokeError('InvalidParameterValueException',
      `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${STREAM_INVOCATION_TYPES.join(', ')}]`);
  }
  return type;
}

/**
 * How a stream ends, once the invocation is over: the response of a buffered function, which Lambda sends whole as
 * the one chunk (`rest`), then `InvokeComplete`, with the error type and the error object of a failed function.
 */
export function streamCompletion(result: InvokeResponse): { rest?: Buffer; complete: InvokeCompleteFields } {
  if (result.functionError !== undefined) {
    return {
      complete: {
        ErrorCode: errorBodyField(result.payload, 'errorType') ?? result.functionError,
        ErrorDetails: result.payload.toString('utf8'),
        LogResult: result.logResult,
      },
    };
  }
  return { rest: !result.streamed && result.payload.length > 0 ? result.payload : undefined, complete: { LogResult: result.logResult } };
}
