import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { removeTempDirs, shellFunction, synth, tempDir } from './assembly';
import { localLambdaClient, ServeProcess, startServe } from './cli-process';
import { isAlive } from './processes';

let app: string;
let startLog: string;
let attemptsFile: string;
let serve: ServeProcess;
beforeAll(async () => {
  startLog = path.join(tempDir(), 'starts.log');
  attemptsFile = path.join(tempDir(), 'attempts');
  app = synth((a) => {
    const stack = new Stack(a, 'ServeTest');
    shellFunction(stack, 'Echo', { handler: 'echo_event', functionName: 'echo-fn', environment: { FIXTURE_START_LOG: startLog } });
    shellFunction(stack, 'Fail', { handler: 'fail' });
    shellFunction(stack, 'Env', { handler: 'environment' });
    shellFunction(stack, 'Context', { handler: 'context' });
    shellFunction(stack, 'Failing', { handler: 'count_and_fail', environment: { ATTEMPTS_FILE: attemptsFile } });
    const aliased = shellFunction(stack, 'Aliased', { handler: 'echo_event' });
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: aliased.currentVersion });
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

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function post(pathAndQuery: string, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}, method = 'POST'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${serve.url}${pathAndQuery}`, { method, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function startCount(): number {
  return fs.existsSync(startLog) ? fs.readFileSync(startLog, 'utf8').trim().split('\n').length : 0;
}

describe('serve with @aws-sdk/client-lambda', () => {
  test('InvokeCommand gets the payload, StatusCode and ExecutedVersion', async () => {
    const res = await client().send(new InvokeCommand({ FunctionName: 'echo-fn', Payload: Buffer.from('{"via":"sdk"}') }));
    expect(res.StatusCode).toBe(200);
    expect(res.ExecutedVersion).toBe('$LATEST');
    expect(res.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(res.Payload!).toString())).toEqual({ via: 'sdk' });
  });

  test('a function error shows up as FunctionError, with the error object as Payload', async () => {
    const res = await client().send(new InvokeCommand({ FunctionName: 'ServeTest/Fail', LogType: 'Tail' }));
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(res.Payload!).toString())).toMatchObject({ errorType: 'Handler.NonZeroExit' });
    expect(Buffer.from(res.LogResult!, 'base64').toString()).toContain('about to fail');
  });

  test('an alias through Qualifier and through the function name', async () => {
    const byQualifier = await client().send(new InvokeCommand({ FunctionName: 'Aliased', Qualifier: 'live' }));
    expect(byQualifier.ExecutedVersion).toBe('1');
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:Aliased:live';
    const byArn = await client().send(new InvokeCommand({ FunctionName: arn }));
    expect(byArn.ExecutedVersion).toBe('1');
  });

  test('an unknown function is the SDK\'s ResourceNotFoundException with status 404', async () => {
    const error = await client().send(new InvokeCommand({ FunctionName: 'nope' })).catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toMatch(/^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope\./);
  });

  test('Event and DryRun answer 202 and 204', async () => {
    const event = await client().send(new InvokeCommand({ FunctionName: 'echo-fn', InvocationType: 'Event', Payload: Buffer.from('{}') }));
    expect(event.StatusCode).toBe(202);
    const dryRun = await client().send(new InvokeCommand({ FunctionName: 'echo-fn', InvocationType: 'DryRun' }));
    expect(dryRun.StatusCode).toBe(204);
  });

  test('ClientContext reaches the runtime decoded; an invalid one is refused', async () => {
    const ok = await client().send(new InvokeCommand({
      FunctionName: 'Context', ClientContext: Buffer.from('{"custom":{"a":1}}').toString('base64'),
    }));
    expect(JSON.parse(Buffer.from(ok.Payload!).toString()).clientContext).toEqual({ custom: { a: 1 } });
    const bad = await post('/2015-03-31/functions/Context/invocations', '{}', { 'X-Amz-Client-Context': 'not base64!' });
    expect(bad.status).toBe(400);
    expect(bad.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
  });
});

describe('serve over plain HTTP', () => {
  test('errors carry x-amzn-ErrorType and Lambda\'s {"Type","message"} body', async () => {
    const notJson = await post('/2015-03-31/functions/echo-fn/invocations', 'value');
    expect(notJson.status).toBe(400);
    expect(notJson.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
    expect(JSON.parse(notJson.body)).toEqual({ Type: 'User', message: expect.stringMatching(/^Could not parse request body into json: /) });

    const tooLarge = await post('/2015-03-31/functions/echo-fn/invocations', Buffer.alloc(6 * 1024 * 1024 + 1, 0x20));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['x-amzn-errortype']).toBe('RequestTooLargeException');

    const unknownQualifier = await post('/2015-03-31/functions/echo-fn/invocations?Qualifier=blue', '{}');
    expect(unknownQualifier.status).toBe(404);
    expect(unknownQualifier.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');

    // GET /functions/echo-fn is GetFunction (see aws-cli.test.ts); other operations are unknown
    const wrongPath = await post('/2015-03-31/functions/echo-fn', '', {}, 'DELETE');
    expect(wrongPath.status).toBe(404);
    expect(wrongPath.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    const unknownRead = await post('/2015-03-31/functions/echo-fn/policy', '', {}, 'GET');
    expect(unknownRead.status).toBe(404);
  });

  test('the response headers of a successful invocation', async () => {
    const res = await post('/2015-03-31/functions/echo-fn/invocations', '{"a":1}', { 'X-Amz-Log-Type': 'Tail' });
    expect(res.status).toBe(200);
    expect(res.headers['x-amz-executed-version']).toBe('$LATEST');
    expect(res.headers['x-amz-function-error']).toBeUndefined();
    expect(Buffer.from(res.headers['x-amz-log-result'] as string, 'base64').toString()).toMatch(/^END RequestId: /m);
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toBe('{"a":1}');
  });

  test('stays warm: 40 invocations one after the other are answered by one runtime process; 10 at once scale out', async () => {
    for (let i = 0; i < 40; i++) {
      const res = await post('/2015-03-31/functions/echo-fn/invocations', JSON.stringify({ i }));
      expect(JSON.parse(res.body)).toEqual({ i });
    }
    // one start in this serve process's life, whether the SDK tests above ran first or not
    expect(startCount()).toBe(1);
    const concurrent = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      post('/2015-03-31/functions/echo-fn/invocations', JSON.stringify({ c: i }))));
    expect(concurrent.map((r) => JSON.parse(r.body).c)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // as many environments as were busy at once, at most the default concurrency (10), all warm afterwards
    const started = startCount();
    expect(started).toBeLessThanOrEqual(10);
    for (let i = 0; i < 10; i++) {
      await post('/2015-03-31/functions/echo-fn/invocations', '{}');
    }
    expect(startCount()).toBe(started);
  });
});

describe('serve shutdown', () => {
  test('SIGINT kills the runtimes and removes the staged directories', async () => {
    // GIVEN a second serve process with two warm runtimes, in the host's layout (the staged directories are
    // then the runtimes' LAMBDA_TASK_ROOT; test/runner/concurrency.test.ts stops serve in Lambda's layout)
    const second = await startServe(['--app', app, '--quiet', '--layout', 'host']);
    const invoke = (name: string): Promise<string> => new Promise((resolve, reject) => {
      const req = http.request(`${second.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST' }, (r) => {
        let data = '';
        r.on('data', (c: Buffer) => (data += c.toString()));
        r.on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.end('{}');
    });
    const env = await invoke('Env');
    await invoke('echo-fn');
    const taskRoot = /^LAMBDA_TASK_ROOT=(.*)$/m.exec(env)![1];
    const runtimePid = Number(/(\d+)$/.exec(fs.readFileSync(startLog, 'utf8').trim())![1]);
    expect(fs.existsSync(taskRoot)).toBe(true);
    expect(isAlive(runtimePid)).toBe(true);
    // WHEN
    const status = await second.stop('SIGINT');
    // THEN
    expect(status).toBe(0);
    expect(fs.existsSync(path.dirname(taskRoot))).toBe(false);
    expect(isAlive(runtimePid)).toBe(false);
  });

  test('SIGTERM does not wait for a pending retry of an Event invocation', async () => {
    // GIVEN an Event invocation whose retry is a minute away
    const third = await startServe(['--app', app, '--quiet', '--async-retry-delays', '60000,60000']);
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${third.url}/2015-03-31/functions/Failing/invocations`, { method: 'POST', headers: { 'X-Amz-Invocation-Type': 'Event' } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(res).toBe(202);
    while (!fs.existsSync(attemptsFile)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // WHEN
    const started = Date.now();
    const status = await third.stop('SIGTERM');
    // THEN
    expect(status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fs.readFileSync(attemptsFile, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
