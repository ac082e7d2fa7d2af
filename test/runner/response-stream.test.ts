/**
 * InvokeWithResponseStream through `serve`, read with @aws-sdk/client-lambda's
 * InvokeWithResponseStreamCommand: the real CLI, the real shell runtime, the real SDK client.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  InvokeCommand, InvokeWithResponseStreamCommand, InvokeWithResponseStreamResponseEvent, LambdaClient,
} from '@aws-sdk/client-lambda';
import { Stack } from 'aws-cdk-lib';
import { removeTempDirs, streamFixtureFunction, synth, tempDir } from './assembly';
import { cliProcess, localLambdaClient, runCli, ServeProcess, startServe } from './cli-process';
import { seqBytes } from '../runtime/stream-bytes';

let serve: ServeProcess;
let gates: string;
let app: string;
beforeAll(async () => {
  gates = tempDir();
  app = synth((a) => {
    const stack = new Stack(a, 'StreamTest');
    // (a shell streams a few MB a second on a loaded machine)
    const fn = (id: string, handler: string, streaming = true) => streamFixtureFunction(stack, id, handler, streaming, 60);
    fn('three', 'three_chunks');
    fn('buffered-three', 'three_chunks', false);
    fn('fail-midway', 'fail_midway');
    fn('seq', 'seq_bytes');
    fn('zeros', 'zero_mb');
  });
  serve = await startServe(['--app', app, '--quiet']);
});
afterAll(async () => {
  await serve?.stop();
  removeTempDirs();
});

function client(): LambdaClient {
  return localLambdaClient(serve.url);
}

/** Reads the whole event stream; `onChunk` sees each payload chunk as it arrives. */
async function readStream(
  stream: AsyncIterable<InvokeWithResponseStreamResponseEvent> | undefined,
  onChunk: (chunk: Buffer, index: number) => void = () => undefined,
): Promise<{ chunks: Buffer[]; complete?: InvokeWithResponseStreamResponseEvent['InvokeComplete']; events: string[] }> {
  const chunks: Buffer[] = [];
  const events: string[] = [];
  let complete: InvokeWithResponseStreamResponseEvent['InvokeComplete'];
  for await (const event of stream!) {
    if (event.PayloadChunk) {
      events.push('PayloadChunk');
      const chunk = Buffer.from(event.PayloadChunk.Payload!);
      chunks.push(chunk);
      onChunk(chunk, chunks.length);
    } else if (event.InvokeComplete) {
      events.push('InvokeComplete');
      complete = event.InvokeComplete;
    }
  }
  return { chunks, complete, events };
}

describe('InvokeWithResponseStream', () => {
  test('three chunks arrive one by one, the first before the handler finished, then InvokeComplete', async () => {
    // GIVEN a handler that writes its second chunk only once the test has seen the first
    const gate = path.join(gates, 'three');
    // WHEN
    const res = await client().send(new InvokeWithResponseStreamCommand({ FunctionName: 'three', Payload: Buffer.from(JSON.stringify({ gate })) }));
    const { chunks, complete, events } = await readStream(res.EventStream, (_, index) => fs.writeFileSync(`${gate}.${index}`, ''));
    // THEN
    expect(res.StatusCode).toBe(200);
    expect(res.ExecutedVersion).toBe('$LATEST');
    expect(res.ResponseStreamContentType).toBe('application/vnd.amazon.eventstream');
    expect(chunks.map(String)).toEqual(['chunk 1\n', 'chunk 2\n', 'chunk 3\n']);
    expect(events).toEqual(['PayloadChunk', 'PayloadChunk', 'PayloadChunk', 'InvokeComplete']);
    expect(complete).toEqual({});
  });

  test('a buffered function\'s response arrives whole, in one chunk', async () => {
    const res = await client().send(new InvokeWithResponseStreamCommand({ FunctionName: 'buffered-three' }));
    const { chunks, complete } = await readStream(res.EventStream);
    expect(chunks.map(String)).toEqual(['chunk 1\nchunk 2\nchunk 3\n']);
    expect(complete).toEqual({});
  });

  test('a failure mid-stream: the chunks sent, then InvokeComplete with ErrorCode and ErrorDetails, and the log with Tail', async () => {
    const res = await client().send(new InvokeWithResponseStreamCommand({ FunctionName: 'fail-midway', LogType: 'Tail' }));
    const { chunks, complete } = await readStream(res.EventStream);
    expect(chunks.map(String)).toEqual(['partial output\n']);
    expect(complete?.ErrorCode).toBe('Handler.NonZeroExit');
    expect(JSON.parse(complete!.ErrorDetails!)).toEqual({
      errorMessage: "Handler 'stream.fail_midway' exited with status 3 after streaming 15 bytes",
      errorType: 'Handler.NonZeroExit',
      stackTrace: [],
    });
    expect(Buffer.from(complete!.LogResult!, 'base64').toString()).toContain('something broke');
  });

  test('a 10 MB stream arrives whole, byte for byte', async () => {
    const bytes = 10 * 1024 * 1024;
    const res = await client().send(new InvokeWithResponseStreamCommand({ FunctionName: 'seq', Payload: Buffer.from(JSON.stringify({ bytes })) }));
    const { chunks, complete } = await readStream(res.EventStream);
    const whole = Buffer.concat(chunks);
    expect(whole.length).toBe(bytes);
    expect(whole.equals(seqBytes(bytes))).toBe(true);
    expect(complete).toEqual({});
  });

  test('past 20 MB the stream stops at the limit and ends with Function.ResponseSizeTooLarge', async () => {
    const res = await client().send(new InvokeWithResponseStreamCommand({ FunctionName: 'zeros', Payload: Buffer.from('{"mb": 21}') }));
    const { chunks, complete } = await readStream(res.EventStream);
    expect(Buffer.concat(chunks).length).toBe(20 * 1024 * 1024);
    expect(complete?.ErrorCode).toBe('Function.ResponseSizeTooLarge');
    expect(JSON.parse(complete!.ErrorDetails!).errorMessage)
      .toBe('Response payload size exceeded maximum allowed payload size (20971520 bytes).');
  });

  test('Invoke of a streaming function buffers the stream, within the 6 MB limit', async () => {
    const small = await client().send(new InvokeCommand({ FunctionName: 'three' }));
    expect(Buffer.from(small.Payload!).toString()).toBe('chunk 1\nchunk 2\nchunk 3\n');
    const large = await client().send(new InvokeCommand({ FunctionName: 'zeros', Payload: Buffer.from('{"mb": 7}') }));
    expect(large.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(large.Payload!).toString())).toEqual({
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291456 bytes).',
      errorType: 'Function.ResponseSizeTooLarge',
    });
  });

  test('errors before the stream are Lambda\'s error responses', async () => {
    await expect(client().send(new InvokeWithResponseStreamCommand({ FunctionName: 'nope' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client().send(new InvokeWithResponseStreamCommand({ FunctionName: 'three', InvocationType: 'Event' as never })))
      .rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});

describe('invoke --response-stream', () => {
  test('prints each chunk as it arrives (the first before the handler finished), then InvokeComplete', async () => {
    // GIVEN
    const gate = path.join(gates, 'cli');
    const child = cliProcess(['invoke', '--app', app, '--function-name', 'three', '--quiet', '--response-stream',
      '--payload', JSON.stringify({ gate }), '-'], {});
    // WHEN the test opens the gate only once the first chunk is on stdout
    let stdout = '';
    child.stdout!.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (stdout.includes('chunk 1\n') && !fs.existsSync(`${gate}.1`)) {
        fs.writeFileSync(`${gate}.1`, '');
      }
    });
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    // THEN
    expect(status).toBe(0);
    expect(stdout.startsWith('chunk 1\nchunk 2\nchunk 3\n')).toBe(true);
    expect(JSON.parse(stdout.slice('chunk 1\nchunk 2\nchunk 3\n'.length))).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST', InvokeComplete: {} });
  });

  test('a failure mid-stream: the chunks in the file, the error in InvokeComplete', async () => {
    const outfile = path.join(gates, 'fail-out');
    const res = await runCli(['invoke', '--app', app, '--function-name', 'fail-midway', '--quiet', '--response-stream', outfile]);
    expect(res.status).toBe(0);
    expect(fs.readFileSync(outfile, 'utf8')).toBe('partial output\n');
    expect(JSON.parse(res.stdout).InvokeComplete).toMatchObject({ ErrorCode: 'Handler.NonZeroExit' });
  });

  test('a buffered function writes its whole response', async () => {
    const outfile = path.join(gates, 'buffered-out');
    const res = await runCli(['invoke', '--app', app, '--function-name', 'buffered-three', '--quiet', '--response-stream', outfile]);
    expect(fs.readFileSync(outfile, 'utf8')).toBe('chunk 1\nchunk 2\nchunk 3\n');
    expect(JSON.parse(res.stdout).InvokeComplete).toEqual({});
  });
});
