import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { removeTempDirs, shellFunction, synth, synthFunctions } from './assembly';
import { CloudAssembly } from '../../src/runner/cloud-assembly';

// What the runner reads of each function: its configuration with Lambda's defaults, versions, aliases and async settings.

afterAll(() => removeTempDirs());

test('Lambda\'s defaults and the template\'s values', () => {
  const assembly = CloudAssembly.load(synthFunctions({
    Defaults: { handler: 'echo_event' },
    Set: { handler: 'echo_event', timeout: 42, memorySize: 1024, architecture: lambda.Architecture.ARM_64, tracing: lambda.Tracing.ACTIVE },
  }));
  const [defaults, set] = assembly.functions;
  expect(defaults).toMatchObject({ timeoutSeconds: 3, memorySize: 128, architectures: ['x86_64'], tracingMode: 'PassThrough', runtime: 'provided.al2023', handler: 'function.echo_event' });
  expect(set).toMatchObject({ timeoutSeconds: 42, memorySize: 1024, architectures: ['arm64'], tracingMode: 'Active' });
});

test('versions count 1..n in template order; aliases resolve to theirs; async settings per qualifier', () => {
  const assembly = CloudAssembly.load(synth((app) => {
    const stack = new Stack(app, 'Versions');
    const fn = shellFunction(stack, 'Fn', { handler: 'echo_event', retryAttempts: 1, maxEventAge: Duration.hours(1) });
    const v1 = new lambda.Version(stack, 'V1', { lambda: fn });
    const v2 = new lambda.Version(stack, 'V2', { lambda: fn });
    new lambda.Alias(stack, 'Blue', { aliasName: 'blue', version: v1 });
    const green = new lambda.Alias(stack, 'Green', { aliasName: 'green', version: v2 });
    green.configureAsyncInvoke({ retryAttempts: 0 });
  }));
  const fn = assembly.functions[0];
  expect(fn.versions.map((v) => v.number)).toEqual(['1', '2']);
  expect(assembly.resolve('Fn', 'blue')).toMatchObject({ executedVersion: '1', qualifier: 'blue' });
  expect(assembly.resolve('Fn', 'green')).toMatchObject({
    executedVersion: '2',
    asyncConfig: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 21600 },
    invokedArn: expect.stringMatching(/:function:Versions-Fn[0-9A-F]{8}:green$/),
  });
  expect(assembly.resolve('Fn', undefined).asyncConfig).toEqual({ maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 });
  expect(assembly.resolve('Fn', '2').executedVersion).toBe('2');
  expect(() => assembly.resolve('Fn', '3')).toThrow(/Qualifiers of Versions\/Fn\/Resource in the cloud assembly: \$LATEST, 1, 2, blue, green/);
});
