import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { removeTempDirs, shellFunction, synth, synthFunctions, tempDir } from './assembly';
import { cliProcess, runCli } from './cli-process';
import { isAlive } from './processes';

let app: string;
let work: string;
beforeAll(() => {
  app = synth((a) => {
    const stack = new Stack(a, 'CliTest');
    shellFunction(stack, 'Echo', { handler: 'echo_event' });
    shellFunction(stack, 'Fail', { handler: 'fail' });
    shellFunction(stack, 'Logs', { handler: 'logs' });
    shellFunction(stack, 'Env', { handler: 'environment', environment: { FROM_TEMPLATE: 'yes' } });
    shellFunction(stack, 'Missing', { handler: 'does_not_exist' });
    shellFunction(stack, 'Slow', { handler: 'slow', timeout: 1 });
    shellFunction(stack, 'Big', { handler: 'big_response' });
    const aliased = shellFunction(stack, 'Aliased', { handler: 'echo_event' });
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: aliased.currentVersion });
  });
});
beforeEach(() => {
  work = tempDir();
});
afterAll(() => removeTempDirs());

function outfile(): string {
  return path.join(work, 'response.json');
}

describe('cdk-custom-runtime invoke', () => {
  test('prints the response metadata like `aws lambda invoke`, writes the payload to the outfile and exits 0', async () => {
    // WHEN
    const res = await runCli(['invoke', '--app', app, '--function-name', 'CliTest/Echo', '--payload', '{ "key": "value" }', outfile()]);
    // THEN
    expect(res.status).toBe(0);
    expect(res.stdout).toBe('{\n    "StatusCode": 200,\n    "ExecutedVersion": "$LATEST"\n}\n');
    expect(fs.readFileSync(outfile(), 'utf8')).toBe('{ "key": "value" }');
  });

  test('a function error still exits 0, with FunctionError and the error object in the outfile', async () => {
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Fail', outfile()]);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    expect(JSON.parse(fs.readFileSync(outfile(), 'utf8'))).toMatchObject({ errorType: 'Handler.NonZeroExit' });
    // the function's logs go to stderr
    expect(res.stderr).toContain('about to fail');
  });

  test.each([
    ['an init error', 'Missing', 'Runtime.NoSuchHandler', /does not define a function named 'does_not_exist'/],
    ['a timeout', 'Slow', 'Sandbox.Timedout', /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/],
    ['a response over 6 MB', 'Big', 'Function.ResponseSizeTooLarge', /^Response payload size exceeded maximum allowed payload size \(6291456 bytes\)\.$/],
  ])('%s is a function error: exit 0, FunctionError, the error object in the outfile', async (_, functionName, errorType, message) => {
    const res = await runCli(['invoke', '--app', app, '--function-name', functionName, '--quiet', outfile()]);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    const error = JSON.parse(fs.readFileSync(outfile(), 'utf8'));
    expect(error.errorType).toBe(errorType);
    expect(error.errorMessage).toMatch(message);
  });

  test('--log-type Tail prints LogResult, the base64 of the log; --quiet keeps the logs off stderr', async () => {
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Logs', '--log-type', 'Tail', '--quiet', outfile()]);
    expect(res.status).toBe(0);
    const log = Buffer.from(JSON.parse(res.stdout).LogResult, 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/m);
    expect(log).toContain('handler says hello on stderr');
    expect(log).toMatch(/^END RequestId: /m);
    expect(log).toMatch(/^REPORT RequestId: [0-9a-f-]{36}\tDuration: /m);
    expect(res.stderr).toBe('');
  });

  test('--payload file:// reads the event from a file', async () => {
    const event = path.join(work, 'event.json');
    fs.writeFileSync(event, '{"from":"file"}');
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Echo', '--payload', `file://${event}`, outfile()]);
    expect(res.status).toBe(0);
    expect(fs.readFileSync(outfile(), 'utf8')).toBe('{"from":"file"}');
  });

  test('an option\'s value may start with a dash; --env repeats; options may follow the outfile', async () => {
    const res = await runCli(['invoke', '--app', app, outfile(), '--payload', '-1', '--function-name=Echo', '--env', 'A=1', '--env', 'B=2']);
    expect(res.status).toBe(0);
    expect(fs.readFileSync(outfile(), 'utf8')).toBe('-1');
  });

  test('--cli-binary-format base64 decodes the payload, as the AWS CLI v2 does by default', async () => {
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Echo', '--cli-binary-format', 'base64',
      '--payload', Buffer.from('{"b":64}').toString('base64'), outfile()]);
    expect(res.status).toBe(0);
    expect(fs.readFileSync(outfile(), 'utf8')).toBe('{"b":64}');
  });

  test('an alias qualifier reports the version it points to', async () => {
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Aliased', '--qualifier', 'live', outfile()]);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 200, ExecutedVersion: '1' });
  });

  test('DryRun prints StatusCode 204 and writes an empty outfile', async () => {
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Echo', '--invocation-type', 'DryRun', outfile()]);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 204 });
    expect(fs.readFileSync(outfile(), 'utf8')).toBe('');
  });

  test.each([
    ['an unknown function', ['--function-name', 'Nope'], 'ResourceNotFoundException', 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope.'],
    ['an unknown qualifier', ['--function-name', 'Aliased', '--qualifier', 'blue'], 'ResourceNotFoundException', 'Function not found: '],
    ['a payload that is not JSON', ['--function-name', 'Echo', '--payload', 'value'], 'InvalidRequestContentException', 'Could not parse request body into json: '],
    ['a missing function name in a multi-function assembly', [], 'ResourceNotFoundException', 'The cloud assembly holds 8 functions: give a function name.'],
  ])('%s exits 254 and prints the error like the AWS CLI', async (_, args, errorType, message) => {
    const res = await runCli(['invoke', '--app', app, ...args, outfile()]);
    expect(res.status).toBe(254);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(`\nAn error occurred (${errorType}) when calling the Invoke operation: ${message}`);
    expect(fs.existsSync(outfile())).toBe(false);
  });

  test('a request over 6 MB is RequestTooLargeException', async () => {
    const event = path.join(work, 'big.json');
    fs.writeFileSync(event, `"${'x'.repeat(6 * 1024 * 1024)}"`);
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Echo', '--payload', `file://${event}`, outfile()]);
    expect(res.status).toBe(254);
    expect(res.stderr).toContain('An error occurred (RequestTooLargeException) when calling the Invoke operation: Request must be smaller than 6291456 bytes for the InvokeFunction operation');
  });

  test.each([
    ['no outfile', ['--function-name', 'Echo'], 'the following arguments are required: outfile'],
    ['an unknown option', ['--function-name', 'Echo', '--bogus', 'x', 'out.json'], 'Unknown options: --bogus'],
    ['an unknown option with an inline value', ['--bogus=x', 'out.json'], 'Unknown options: --bogus=x'],
    ['an unknown short option', ['-x', 'out.json'], 'Unknown options: -x'],
    ['an option of another command', ['--port', '1', 'out.json'], 'Unknown options: --port'],
    ['an option without its value', ['out.json', '--function-name'], 'argument --function-name: expected one argument'],
    ['an option given twice', ['--qualifier', '1', '--qualifier=2', 'out.json'], 'argument --qualifier: given more than once'],
    ['a bad --env', ['--env', 'NOVALUE', 'out.json'], 'argument --env: expected KEY=VALUE'],
    ['a --max-concurrency below 1', ['--max-concurrency', '0', 'out.json'], "argument --max-concurrency: expected a whole number of at least 1, got '0'"],
    ['an unknown --layout', ['--layout', 'docker', 'out.json'], "argument --layout: Invalid choice 'docker', valid choices are: lambda | host"],
    ['an unknown --memory-limit', ['--memory-limit', 'swap', 'out.json'], "argument --memory-limit: Invalid choice 'swap', valid choices are: cgroup | rlimit | none"],
  ])('%s is a usage error (exit 252)', async (_, args, message) => {
    const res = await runCli(['invoke', '--app', app, ...args]);
    expect(res.status).toBe(252);
    expect(res.stderr).toContain(`cdk-custom-runtime: error: ${message}`);
  });

  test('--layout host --memory-limit none --no-freeze --max-concurrency 1 run the function as asked, and the log says so', async () => {
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Echo', '--payload', '{"a":1}',
      '--layout', 'host', '--memory-limit', 'none', '--no-freeze', '--max-concurrency', '1', outfile()]);
    expect(res.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(outfile(), 'utf8'))).toEqual({ a: 1 });
    expect(res.stderr).toContain("execution environments: the host's layout, not Lambda's: asked for the host layout; "
      + 'the runtimes run from the staged directories, with TMPDIR as their /tmp; MemorySize not enforced; '
      + 'not frozen between invocations (--no-freeze)');
  });

  test('a directory that is not a cloud assembly exits 255', async () => {
    const res = await runCli(['invoke', '--app', work, outfile()]);
    expect(res.status).toBe(255);
    expect(res.stderr).toContain('is not a cloud assembly');
  });

  test('host credentials do not reach the function; --env and the template\'s variables do', async () => {
    const res = await runCli(['invoke', '--app', app, '--function-name', 'Env', '--env', 'GIVEN=on the command line', outfile()], {
      env: { AWS_ACCESS_KEY_ID: 'AKIAHOST', AWS_SECRET_ACCESS_KEY: 'host-secret', AWS_SESSION_TOKEN: 'host-token', AWS_PROFILE: 'host' },
    });
    expect(res.status).toBe(0);
    const env = fs.readFileSync(outfile(), 'utf8');
    expect(env).not.toMatch(/AKIAHOST|host-secret|host-token|AWS_PROFILE/);
    expect(env).toMatch(/^FROM_TEMPLATE=yes$/m);
    expect(env).toMatch(/^GIVEN=on the command line$/m);
  });

  test('--function-name may be omitted when the assembly holds one function', async () => {
    const single = synthFunctions({ Only: { handler: 'echo_event' } });
    const res = await runCli(['invoke', '--app', single, '--payload', '[1,2]', outfile()]);
    expect(res.status).toBe(0);
    expect(fs.readFileSync(outfile(), 'utf8')).toBe('[1,2]');
  });

  test('--invocation-type Event prints 202, waits for the attempts and leaves the event in the DLQ file', async () => {
    // GIVEN a failing function with a DLQ and one retry
    const attempts = path.join(work, 'attempts');
    const assembly = synthFunctions({
      Failing: { handler: 'count_and_fail', deadLetterQueueEnabled: true, retryAttempts: 1, environment: { ATTEMPTS_FILE: attempts } },
    });
    // WHEN
    const res = await runCli(['invoke', '--app', assembly, '--invocation-type', 'Event', '--payload', '{"n":1}', outfile()]);
    // THEN
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 202 });
    expect(fs.readFileSync(outfile(), 'utf8')).toBe('');
    expect(fs.readFileSync(attempts, 'utf8').trim().split('\n')).toHaveLength(2);
    const dlqDir = path.join(path.dirname(assembly), '.local-runner', 'dlq');
    const [file] = fs.readdirSync(dlqDir);
    expect(file).toMatch(/^Failing[0-9A-F]{8}\.jsonl$/);
    const letter = JSON.parse(fs.readFileSync(path.join(dlqDir, file), 'utf8'));
    expect(letter).toMatchObject({ body: '{"n":1}', approximateInvokeCount: 2, condition: 'RetriesExhausted', ErrorCode: 200 });
    expect(res.stderr).toContain('written to the dead-letter queue');
  });
});

describe('signals', () => {
  test('Ctrl-C during invoke kills the runtime\'s process group and removes the staged code', async () => {
    // GIVEN an invocation of a slow handler that started a child process
    const childPidFile = path.join(work, 'child.pid');
    const assembly = synthFunctions({ Slow: { handler: 'slow', timeout: 30, environment: { CHILD_PID_FILE: childPidFile } } });
    const tmp = path.join(work, 'tmp'); // the CLI stages the code under $TMPDIR
    fs.mkdirSync(tmp);
    const child = cliProcess(['invoke', '--app', assembly, outfile()], { TMPDIR: tmp });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    while (!fs.existsSync(childPidFile) || fs.readFileSync(childPidFile, 'utf8') === '') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const handlerChild = Number(fs.readFileSync(childPidFile, 'utf8'));
    expect(fs.readdirSync(tmp)).toEqual([expect.stringMatching(/^cdk-custom-runtime-/)]);
    // WHEN
    child.kill('SIGINT');
    // THEN
    expect(await exited).toBe(130);
    expect(isAlive(handlerChild)).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});


describe('cdk-custom-runtime list', () => {
  test('lists the functions with their qualifiers', async () => {
    const res = await runCli(['list', '--app', app]);
    expect(res.status).toBe(0);
    const { Functions } = JSON.parse(res.stdout);
    expect(Functions).toHaveLength(8);
    expect(Functions.find((f: any) => f.ConstructPath === 'CliTest/Aliased/Resource').Qualifiers).toEqual(['$LATEST', '1', 'live']);
  });
});
