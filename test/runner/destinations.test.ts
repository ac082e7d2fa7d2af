/**
 * OnSuccess / OnFailure destinations of asynchronous invocations, delivered locally in Lambda's
 * invocation record format: to a file per destination, or to a function of the assembly.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { removeTempDirs, shellFunction, synth, tempDir } from './assembly';
import { LocalRunner } from '../../src/runner/local-runner';

let app: string;
let records: string;
let attempts: string;
let runner: LocalRunner;
let notices: string[];
beforeAll(() => {
  records = path.join(tempDir(), 'records.jsonl');
  attempts = path.join(tempDir(), 'attempts');
  app = synth((a) => {
    const stack = new Stack(a, 'Dest');
    const queue = new sqs.Queue(stack, 'Failures');
    const receiver = shellFunction(stack, 'Receiver', { handler: 'record', environment: { RECORDS: records } });
    shellFunction(stack, 'Failing', {
      handler: 'count_and_fail',
      environment: { ATTEMPTS_FILE: attempts },
      retryAttempts: 1,
      onFailure: new destinations.SqsDestination(queue),
    });
    const echo = shellFunction(stack, 'Echo', { handler: 'echo_event' });
    const live = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: echo.currentVersion });
    live.configureAsyncInvoke({ onSuccess: new destinations.LambdaDestination(receiver) });
  });
});
beforeEach(() => {
  notices = [];
  runner = LocalRunner.open(app, { dlqDir: path.join(tempDir(), 'dlq'), onWarning: (m) => notices.push(m) });
});
afterEach(async () => runner.close());
afterAll(() => removeTempDirs());

function lines(file: string): any[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('destinations', () => {
  test('OnFailure to a queue: the record of the last attempt goes to the queue\'s file beside the dead-letter queue files', async () => {
    // WHEN
    const res = await runner.invoke({ functionName: 'Dest/Failing', invocationType: 'Event', payload: '{"order":7}' });
    await runner.waitForAsync();
    // THEN
    const fn = runner.assembly.functions.find((f) => f.logicalId.startsWith('Failing'))!;
    const destination = fn.asyncConfigs.get('$LATEST')!.onFailure!;
    expect(destination).toMatchObject({ resourceType: 'AWS::SQS::Queue', logicalId: expect.stringMatching(/^Failures/) });
    const file = runner.destinationFile(destination);
    expect(path.dirname(file)).toBe(runner.dlqDir);
    expect(path.basename(file)).toBe(`destination.${destination.logicalId}.jsonl`);
    const [record, ...more] = lines(file);
    expect(more).toEqual([]);
    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestContext: {
        requestId: res.requestId,
        functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${fn.functionName}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 2,
      },
      requestPayload: { order: 7 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: expect.objectContaining({ errorType: 'Handler.NonZeroExit' }),
    });
    expect(notices).toContainEqual(expect.stringContaining(`its OnFailure record went to ${file}`));
  });

  test('OnSuccess of an alias to a function of the assembly: that function is invoked with the record', async () => {
    // WHEN
    const res = await runner.invoke({ functionName: 'Dest/Echo', qualifier: 'live', invocationType: 'Event', payload: '{"hello":"world"}' });
    await runner.waitForAsync();
    // THEN the receiver got the record, as an Event invocation of its own
    const [record] = lines(records);
    expect(record).toMatchObject({
      requestContext: { requestId: res.requestId, functionArn: expect.stringMatching(/:function:Dest-Echo[0-9A-F]+:live$/), condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { hello: 'world' },
      responseContext: { statusCode: 200, executedVersion: '1' },
      responsePayload: { hello: 'world' },
    });
    expect(record.responseContext.functionError).toBeUndefined();
  });

  test('an unqualified invocation does not use the alias\'s destinations', async () => {
    await runner.invoke({ functionName: 'Dest/Echo', invocationType: 'Event', payload: '{"n":1}' });
    await runner.waitForAsync();
    const received = fs.existsSync(records) ? lines(records).filter((r) => r.requestPayload?.n === 1) : [];
    expect(received).toEqual([]);
  });
});
