/**
 * The `application/vnd.amazon.eventstream` encoding, as `InvokeWithResponseStream`
 * answers with it: each message is a prelude (total length, headers length, CRC32
 * of both), headers, a payload, and the CRC32 of everything before it.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html
 */
import { crc32 } from 'node:zlib';

/** The header value type `string` of the event-stream encoding. */
const STRING_HEADER = 7;
const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;

/** One event message: `:message-type` event, with its type, content type and payload. */
export function encodeEvent(eventType: string, contentType: string, payload: Buffer): Buffer {
  return encodeMessage({ ':event-type': eventType, ':content-type': contentType, ':message-type': 'event' }, payload);
}

/** A `PayloadChunk` event: bytes of the function's response. */
export function payloadChunk(bytes: Buffer): Buffer {
  return encodeEvent('PayloadChunk', 'application/octet-stream', bytes);
}

/** What `InvokeComplete` reports: a function error (code and details) and the log tail, each when present. */
export interface InvokeCompleteFields {
  readonly ErrorCode?: string;
  readonly ErrorDetails?: string;
  readonly LogResult?: string;
}

/** The `InvokeComplete` event that ends every stream. */
export function invokeComplete(fields: InvokeCompleteFields): Buffer {
  return encodeEvent('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(fields), 'utf8'));
}

/** A message with string headers. */
export function encodeMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const encodedHeaders = Buffer.concat(Object.entries(headers).map(([name, value]) => encodeHeader(name, value)));
  const total = PRELUDE_BYTES + encodedHeaders.length + payload.length + CRC_BYTES;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(encodedHeaders.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  encodedHeaders.copy(message, PRELUDE_BYTES);
  payload.copy(message, PRELUDE_BYTES + encodedHeaders.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - CRC_BYTES)), total - CRC_BYTES);
  return message;
}

function encodeHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const valueBytes = Buffer.from(value, 'utf8');
  const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
  header.writeUInt8(nameBytes.length, 0);
  nameBytes.copy(header, 1);
  header.writeUInt8(STRING_HEADER, 1 + nameBytes.length);
  header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
  valueBytes.copy(header, 4 + nameBytes.length);
  return header;
}
