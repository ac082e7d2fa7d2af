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
