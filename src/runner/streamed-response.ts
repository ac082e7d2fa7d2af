/**
 * The runtime's side of response streaming: a `POST /runtime/invocation/{id}/response` with
 * `Lambda-Runtime-Function-Response-Mode: streaming` and `Transfer-Encoding: chunked`, whose
 * trailers report a failure after the stream started.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming
 */
import * as http from 'node:http';

/** What a streamed post carried, read to its end. */
export interface StreamedResponse {
  /** The bytes, when no `onChunk` took them (empty past the limit). */
  readonly body: Buffer;
  /** Every byte posted, also past the limit. */
  readonly size: number;
  /** The `Lambda-Runtime-Function-Error-Type` trailer: the function failed mid-stream. */
  readonly errorType?: string;
  /** The `Lambda-Runtime-Function-Error-Body` trailer, base64-decoded (Lambda's error JSON). */
  readonly errorBody: Buffer;
}

/** Whether a response post is streamed. */
export function isStreamingResponse(req: http.IncomingMessage): boolean {
  return String(req.headers['lambda-runtime-function-response-mode'] ?? '').toLowerCase() === 'streaming';
}

/**
 * Reads a streamed post: each chunk goes to `onChunk` as it arrives (or is collected), up to `limit`
 * bytes in all; the rest is drained and counted.
 */
export function readStreamedResponse(
  req: http.IncomingMessage,
  limit: number,
  onChunk?: (chunk: Buffer) => void,
): Promise<StreamedResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      const room = limit - size;
      size += chunk.length;
      if (room <= 0) {
        return;
      }
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (onChunk) {
        onChunk(part);
      } else {
        chunks.push(part);
      }
    });
    req.on('end', () => {
      const errorType = trailer(req, 'lambda-runtime-function-error-type');
      const encodedBody = trailer(req, 'lambda-runtime-function-error-body');
      resolve({
        body: size <= limit ? Buffer.concat(chunks) : Buffer.alloc(0),
        size,
        errorType,
        errorBody: errorBodyOf(errorType, encodedBody),
      });
    });
    req.on('error', reject);
  });
}

function trailer(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.trailers[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The error JSON of the trailers; Lambda's own shape when the body trailer is missing or not base64 JSON. */
function errorBodyOf(errorType: string | undefined, encoded: string | undefined): Buffer {
  if (errorType === undefined) {
    return Buffer.alloc(0);
  }
  const decoded = Buffer.from(encoded ?? '', 'base64');
  try {
    JSON.parse(decoded.toString('utf8'));
    return decoded;
  } catch {
    return Buffer.from(JSON.stringify({ errorMessage: encoded ?? '', errorType }), 'utf8');
  }
}
