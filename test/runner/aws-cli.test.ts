/**
 * The AWS CLI (v1, from PyPI, in .venv/awscli) and @aws-sdk/client-lambda against `serve`:
 * the Invoke API and the read APIs, unmodified clients, no network beyond loopback.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  GetAliasCommand, GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, ListAliasesCommand,
  ListFunctionsCommand, ListVersionsByFunctionCommand, ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { pythonVenv } from '../python-venv';
import { removeTempDirs, shellFunction, synth, tempDir } from './assembly';
import { localLambdaClient, ServeProcess, startServe } from './cli-process';

let serve: ServeProcess;
let awsBin: string;
let home: string;
beforeAll(async () => {
  awsBin = pythonVenv('awscli', 'test/requirements/awscli.txt');
  home = tempDir();
  const app = synth((a) => {
    const stack = new Stack(a, 'CliClients');
    shellFunction(stack, 'Echo', { handler: 'echo_event', functionName: 'echo-fn', description: 'Echoes its event', environment: { GREETING: 'hi' } });
    shellFunction(stack, 'Fail', { handler: 'fail' });
    shellFunction(stack, 'Context', { handler: 'context' });
    const aliased = shellFunction(stack, 'Aliased', { handler: 'environment', functionName: 'aliased-fn', memorySize: 256 });
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: aliased.currentVersion, description: 'what users get' });
  });
  serve = await startServe(['--app', app, '--quiet']);
}, 600_000);
afterAll(async () => {
  await serve?.stop();
  removeTempDirs();
});

interface AwsResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `aws lambda <args> --endpoint-url <serve> --no-sign-request`, with no credentials, profile or network. */
function aws(...args: string[]): Promise<AwsResult> {
  return new Promise((resolve) => {
    execFile(path.join(awsBin, 'aws'), ['lambda', ...args, '--endpoint-url', serve.url, '--no-sign-request', '--output', 'json'], {
      cwd: home,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: path.join(home, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
      },
    }, (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

function outfile(): string {
  return path.join(tempDir(), 'out.json');
}

describe('aws lambda invoke against serve', () => {
  test('RequestResponse: the metadata on stdout, the payload in the outfile', async () => {
    const out = outfile();
    const res = await aws('invoke', '--function-name', 'echo-fn', '--payload', '{"via":"aws-cli"}', out);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({ via: 'aws-cli' });
  });

  test('Event and DryRun', async () => {
    const event = await aws('invoke', '--function-name', 'echo-fn', '--invocation-type', 'Event', '--payload', '{}', outfile());
    expect(event.status).toBe(0);
    expect(JSON.parse(event.stdout)).toEqual({ StatusCode: 202 });
    const dryRun = await aws('invoke', '--function-name', 'echo-fn', '--invocation-type', 'DryRun', outfile());
    expect(dryRun.status).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toEqual({ StatusCode: 204 });
  });

  test('--log-type Tail gives LogResult, the base64 of the log tail', async () => {
    const res = await aws('invoke', '--function-name', 'CliClients/Fail', '--log-type', 'Tail', outfile());
    const log = Buffer.from(JSON.parse(res.stdout).LogResult, 'base64').toString();
    expect(log).toContain('about to fail');
    expect(log).toMatch(/^REPORT RequestId: [0-9a-f-]{36}\tDuration: /m);
  });

  test('--qualifier runs the alias\'s version', async () => {
    const out = outfile();
    const res = await aws('invoke', '--function-name', 'aliased-fn', '--qualifier', 'live', out);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 200, ExecutedVersion: '1' });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^AWS_LAMBDA_FUNCTION_VERSION=1$/m);
  });

  test('--client-context reaches the runtime decoded', async () => {
    const out = outfile();
    const context = Buffer.from('{"custom":{"from":"cli"}}').toString('base64');
    const res = await aws('invoke', '--function-name', 'Context', '--client-context', context, out);
    expect(res.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).clientContext).toEqual({ custom: { from: 'cli' } });
  });

  test('a function error: exit 0, FunctionError on stdout, the error object in the outfile', async () => {
    const out = outfile();
    const res = await aws('invoke', '--function-name', 'Fail', out);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ errorType: 'Handler.NonZeroExit' });
  });

  test('a missing function: the CLI\'s ResourceNotFoundException message and exit status 255 (v1)', async () => {
    const res = await aws('invoke', '--function-name', 'nope', outfile());
    expect(res.status).toBe(255);
    expect(res.stderr).toMatch(/An error occurred \(ResourceNotFoundException\) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope/);
  });
});

describe('aws lambda read commands against serve', () => {
  test('list-functions lists every function with its configuration', async () => {
    const res = await aws('list-functions');
    expect(res.status).toBe(0);
    const functions = JSON.parse(res.stdout).Functions;
    const names = functions.map((f: { FunctionName: string }) => f.FunctionName);
    expect(names).toHaveLength(4);
    expect(names).toEqual(expect.arrayContaining(['echo-fn', 'aliased-fn', expect.stringMatching(/^CliClients-Fail/), expect.stringMatching(/^CliClients-Context/)]));
    const echo = functions.find((f: { FunctionName: string }) => f.FunctionName === 'echo-fn');
    expect(echo).toMatchObject({
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:echo-fn',
      Runtime: 'provided.al2023',
      Handler: 'function.echo_event',
      Description: 'Echoes its event',
      Timeout: 3,
      MemorySize: 128,
      Version: '$LATEST',
      Environment: { Variables: { GREETING: 'hi' } },
      PackageType: 'Zip',
      State: 'Active',
      Role: expect.stringMatching(/^arn:aws:iam::123456789012:role\/CliClients-EchoServiceRole/),
      CodeSha256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      Layers: [{ Arn: expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:layer:/), CodeSize: expect.any(Number) }],
    });
  });

  test('get-function: Configuration and Code; --qualifier', async () => {
    const res = await aws('get-function', '--function-name', 'aliased-fn', '--qualifier', 'live');
    expect(res.status).toBe(0);
    const body = JSON.parse(res.stdout);
    expect(body.Configuration).toMatchObject({ FunctionName: 'aliased-fn', Version: '1', MemorySize: 256, FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:aliased-fn:1' });
    expect(body.Code.RepositoryType).toBe('S3');
    const missing = await aws('get-function', '--function-name', 'nope');
    expect(missing.status).toBe(255);
    expect(missing.stderr).toMatch(/\(ResourceNotFoundException\) when calling the GetFunction operation: Function not found/);
  });

  test('list-aliases and list-versions-by-function', async () => {
    const aliases = JSON.parse((await aws('list-aliases', '--function-name', 'aliased-fn')).stdout);
    expect(aliases.Aliases).toEqual([{
      AliasArn: 'arn:aws:lambda:us-east-1:123456789012:function:aliased-fn:live',
      Name: 'live',
      FunctionVersion: '1',
      Description: 'what users get',
      RevisionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    }]);
    const versions = JSON.parse((await aws('list-versions-by-function', '--function-name', 'aliased-fn')).stdout);
    expect(versions.Versions.map((v: { Version: string }) => v.Version)).toEqual(['$LATEST', '1']);
    expect(versions.Versions[1].FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:aliased-fn:1');
  });
});

describe('read APIs with @aws-sdk/client-lambda', () => {
  function client(): LambdaClient {
    return localLambdaClient(serve.url);
  }

  test('ListFunctions pages with MaxItems and NextMarker', async () => {
    const first = await client().send(new ListFunctionsCommand({ MaxItems: 3 }));
    expect(first.Functions).toHaveLength(3);
    expect(first.NextMarker).toBe('3');
    const rest = await client().send(new ListFunctionsCommand({ Marker: first.NextMarker }));
    expect(rest.Functions).toHaveLength(1);
    expect(rest.NextMarker).toBeUndefined();
  });

  test('GetFunction, GetFunctionConfiguration, ListVersionsByFunction, ListAliases, GetAlias', async () => {
    const fn = await client().send(new GetFunctionCommand({ FunctionName: 'echo-fn' }));
    expect(fn.Configuration).toMatchObject({ FunctionName: 'echo-fn', Version: '$LATEST', TracingConfig: { Mode: 'PassThrough' }, Architectures: ['x86_64'] });
    expect(fn.Code?.Location).toMatch(/^file:\/\/.*asset\./);
    const config = await client().send(new GetFunctionConfigurationCommand({ FunctionName: 'aliased-fn', Qualifier: '1' }));
    expect(config.Version).toBe('1');
    const versions = await client().send(new ListVersionsByFunctionCommand({ FunctionName: 'aliased-fn' }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
    const aliases = await client().send(new ListAliasesCommand({ FunctionName: 'aliased-fn', FunctionVersion: '1' }));
    expect(aliases.Aliases?.map((a) => a.Name)).toEqual(['live']);
    const live = await client().send(new GetAliasCommand({ FunctionName: 'aliased-fn', Name: 'live' }));
    expect(live.FunctionVersion).toBe('1');
  });

  test('an unknown function or alias is ResourceNotFoundException', async () => {
    await expect(client().send(new GetFunctionCommand({ FunctionName: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client().send(new GetAliasCommand({ FunctionName: 'aliased-fn', Name: 'blue' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
