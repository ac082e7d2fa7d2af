/**
 * `cdk-custom-runtime event`: an event for each source wired to the function in the
 * template, filled with the assembly's names and ARNs, accepted by a handler that
 * parses it (test/fixtures/runner/event-handler/parse-event.js) on the shell runtime.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { removeTempDirs, RUNNER_FIXTURES, shellFunction, synth, tempDir } from './assembly';
import { cliScript, runCli } from './cli-process';
import { eventCommand } from '../../src/runner/event-command';
import { LocalRunner } from '../../src/runner/local-runner';

/** The handler `parse_event` (test/fixtures/runner/event-handler). */
const EVENT_HANDLER = path.join(RUNNER_FIXTURES, 'event-handler');

let app: string;
let runner: LocalRunner;
beforeAll(() => {
  app = synth((a) => {
    const stack = new Stack(a, 'EventsTest');
    const fn = shellFunction(stack, 'Fn', { handler: 'parse_event', codeDir: EVENT_HANDLER, timeout: 10 });
    fn.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Orders', { queueName: 'orders' }), { batchSize: 5, reportBatchItemFailures: true }));
    new sns.Topic(stack, 'Alerts', { topicName: 'alerts' }).addSubscription(new subscriptions.LambdaSubscription(fn));
    new events.Rule(stack, 'OnOrder', {
      ruleName: 'on-order',
      eventPattern: { source: ['com.example.orders'], detailType: ['Order Placed'], detail: { status: ['placed'] } },
      targets: [new targets.LambdaFunction(fn)],
    });
    new events.Rule(stack, 'Nightly', { ruleName: 'nightly', schedule: events.Schedule.cron({ hour: '3', minute: '0' }), targets: [new targets.LambdaFunction(fn)] });
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    const rest = new apigw.RestApi(stack, 'Rest', { deployOptions: { stageName: 'v1' } });
    rest.root.addResource('orders').addResource('{id}').addMethod('GET', new apigw.LambdaIntegration(fn));
    new apigwv2.HttpApi(stack, 'Http').addRoutes({ path: '/items/{id}', methods: [apigwv2.HttpMethod.PUT], integration: new HttpLambdaIntegration('Items', fn) });
    // a second function with a plain SQS mapping, and nothing else
    const plain = shellFunction(stack, 'Plain', { handler: 'parse_event', codeDir: EVENT_HANDLER, timeout: 10 });
    plain.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs'), { batchSize: 2 }));
  });
  runner = LocalRunner.open(app, { onWarning: () => undefined });
});
afterAll(async () => {
  await runner.close();
  removeTempDirs();
});

function generate(kind: string, extra: Record<string, unknown> = {}): any {
  return JSON.parse(eventCommand({ app, functionName: 'EventsTest/Fn', kind, ...extra }));
}

async function handle(event: unknown, functionName = 'EventsTest/Fn'): Promise<any> {
  const res = await runner.invoke({ functionName, payload: JSON.stringify(event) });
  const body = JSON.parse(res.payload.toString('utf8'));
  expect({ functionError: res.functionError, body }).toEqual({ functionError: undefined, body: expect.anything() });
  return body.statusCode === undefined ? body : JSON.parse(body.body);
}

test('lists the sources wired to the function, with their names and settings', () => {
  const listed = JSON.parse(eventCommand({ app, functionName: 'EventsTest/Fn' }));
  expect(listed.Sources.map((s: { Source: string }) => s.Source).sort())
    .toEqual(['api-http', 'api-rest', 'eventbridge', 'function-url', 'schedule', 'sns', 'sqs']);
  expect(listed.Sources.find((s: { Source: string }) => s.Source === 'sqs')).toMatchObject({ QueueName: 'orders', QueueArn: 'arn:aws:sqs:us-east-1:123456789012:orders', BatchSize: 5, ReportBatchItemFailures: true });
  expect(JSON.parse(eventCommand({ app, functionName: 'EventsTest/Plain' })).Sources).toEqual([
    expect.objectContaining({ Source: 'sqs', QueueName: expect.stringMatching(/^EventsTest-Jobs/), BatchSize: 2, ReportBatchItemFailures: false }),
  ]);
});

test('sqs: a batch from the queue, at most the batch size, parsed by the handler', async () => {
  const event = generate('sqs', { count: 3, body: '{"order":42}' });
  expect(event.Records).toHaveLength(3);
  expect(await handle(event)).toEqual({ source: 'sqs', queueArn: 'arn:aws:sqs:us-east-1:123456789012:orders', records: 3, batchItemFailures: [] });
  expect(() => generate('sqs', { count: 6 })).toThrow(/--count must be between 1 and the batch size of the mapping \(5\), got 6/);
});

test('sns: a notification from the topic', async () => {
  expect(await handle(generate('sns', { body: '{"alarm":"high"}' }))).toEqual({
    source: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', message: { alarm: 'high' },
  });
});

test('eventbridge: an event that matches the rule\'s pattern; schedule: the rule\'s Scheduled Event', async () => {
  expect(await handle(generate('eventbridge'))).toEqual({
    source: 'eventbridge', from: 'com.example.orders', detailType: 'Order Placed', detail: { status: 'placed' }, resources: [], account: '123456789012',
  });
  expect(await handle(generate('schedule'))).toMatchObject({
    from: 'aws.events', detailType: 'Scheduled Event', resources: ['arn:aws:events:us-east-1:123456789012:rule/nightly'],
  });
});

test('function-url, api-rest, api-http: requests in payload formats 2.0, 1.0 and 2.0 with the routes of the template', async () => {
  expect(await handle(generate('function-url'))).toMatchObject({
    source: 'http-2.0', method: 'POST', path: '/', routeKey: '$default', domain: expect.stringMatching(/^[a-z0-9]{10}\.lambda-url\.us-east-1\.on\.aws$/),
  });
  expect(await handle(generate('api-rest', { body: '{"n":1}' }))).toEqual({
    source: 'rest',
    method: 'GET',
    resource: '/orders/{id}',
    path: '/orders/example',
    stage: 'v1',
    domain: expect.stringMatching(/\.execute-api\.us-east-1\.amazonaws\.com$/),
    pathParameters: { id: 'example' },
    body: { n: 1 },
  });
  expect(await handle(generate('api-http'))).toMatchObject({
    source: 'http-2.0', method: 'PUT', path: '/items/example', routeKey: 'PUT /items/{id}', pathParameters: { id: 'example' },
  });
});

test('a source that is not wired is an error naming the wired ones', () => {
  expect(() => eventCommand({ app, functionName: 'EventsTest/Plain', kind: 'sns' }))
    .toThrow(/No sns source is wired to EventsTest\/Plain\/Resource in the template. Wired sources: sqs EventsTest\/Plain\/SqsEventSource/);
});

describe('the CLI', () => {
  test('`event sqs | invoke`, then --check-response reads the answer as the mapping would (ReportBatchItemFailures)', async () => {
    // GIVEN a batch of two, the second one failing in the handler
    const dir = tempDir();
    const eventFile = path.join(dir, 'event.json');
    const outfile = path.join(dir, 'out.json');
    const cli = (await runCli(['event', 'sqs', '--app', app, '--function-name', 'EventsTest/Fn', '--count', '2'])).stdout;
    const batch = JSON.parse(cli);
    batch.Records[1].body = 'please fail';
    batch.Records[1].md5OfBody = createHash('md5').update('please fail').digest('hex');
    fs.writeFileSync(eventFile, JSON.stringify(batch));
    // WHEN invoked with it
    const res = await runCli(['invoke', '--app', app, '--function-name', 'EventsTest/Fn', '--quiet', '--payload', `file://${eventFile}`, outfile]);
    expect(res.status).toBe(0);
    const check = await runCli(['event', 'sqs', '--app', app, '--function-name', 'EventsTest/Fn', '--check-response', outfile, '--event', eventFile]);
    // THEN
    expect(JSON.parse(check.stdout)).toEqual({
      Deleted: [batch.Records[0].messageId],
      ReturnedToQueue: [batch.Records[1].messageId],
      Reason: '1 of 2 messages reported in batchItemFailures return to the queue; the others are deleted',
    });
  });

  test('the event pipes into invoke through stdin', () => {
    const out = path.join(tempDir(), 'out.json');
    const shell = 'node "$CLI" event sns --app "$APP" --function-name EventsTest/Fn --body \'{"piped":true}\' | node "$CLI" invoke --app "$APP" --function-name EventsTest/Fn --quiet --payload file:///dev/stdin "$OUT"';
    execFileSync('bash', ['-c', shell], { env: { ...process.env, CLI: cliScript(), APP: app, OUT: out } });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ source: 'sns', message: { piped: true } });
  });
});
