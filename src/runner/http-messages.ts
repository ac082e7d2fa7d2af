import * as http from 'node:http';

/**
 * Response headers for a JSON body, plus the optional headers whose value is known: both of Lambda's
 * APIs send a header only when it applies (a trace id, a function error, a log tail).
 */
export function jsonHeaders(
  body: Buffer,
  optional: Record<string, string | undefined>,
  fixed: http.OutgoingHttpHeaders = {},
): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json', 'Content-Length': body.length, ...fixed };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  return headers;
}

/** A request body read whole, keeping at most `limit` bytes; `size` counts all of them. */
export interface ReadBody {
  /** The body, or empty when it was larger than the limit. */
  readonly body: Buffer;
  readonly size: number;
}

/** Reads a request body, keeping at most `limit` bytes (the rest is drained and counted). */
export function readBody(req: http.IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ body: size <= limit ? Buffer.concat(chunks) : Buffer.alloc(0), size }));
    req.on('error', reject);
  });
}

/** A string field of a JSON error body (`errorType`, `errorMessage`), if the body is JSON and has one. */
export function errorBodyField(body: Buffer, field: 'errorType' | 'errorMessage'): string | undefined {
  try {
    const value = JSON.parse(body.toString('utf8'))?.[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
