import { checkRequestSize, MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES, maxRequestBytes } from '../../src/runner/lambda-limits';

describe('request payload limits', () => {
  test('6 MB for RequestResponse and DryRun (and an unset type), 1 MB for Event', () => {
    expect(MAX_SYNC_PAYLOAD_BYTES).toBe(6_291_456);
    expect(MAX_ASYNC_PAYLOAD_BYTES).toBe(1_048_576);
    expect(maxRequestBytes(undefined)).toBe(MAX_SYNC_PAYLOAD_BYTES);
    expect(maxRequestBytes('RequestResponse')).toBe(MAX_SYNC_PAYLOAD_BYTES);
    expect(maxRequestBytes('DryRun')).toBe(MAX_SYNC_PAYLOAD_BYTES);
    expect(maxRequestBytes('Event')).toBe(MAX_ASYNC_PAYLOAD_BYTES);
  });

  test('a request at the limit passes; one byte more is RequestTooLargeException (413) naming the operation', () => {
    expect(() => checkRequestSize(MAX_SYNC_PAYLOAD_BYTES, 'RequestResponse')).not.toThrow();
    expect(() => checkRequestSize(MAX_ASYNC_PAYLOAD_BYTES, 'Event')).not.toThrow();
    expect(() => checkRequestSize(MAX_SYNC_PAYLOAD_BYTES + 1, undefined)).toThrow(expect.objectContaining({
      errorType: 'RequestTooLargeException',
      statusCode: 413,
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    }));
    expect(() => checkRequestSize(MAX_ASYNC_PAYLOAD_BYTES + 1, 'Event')).toThrow(
      'Request must be smaller than 1048576 bytes for the InvokeAsync operation');
  });
});
