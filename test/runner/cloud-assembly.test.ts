import * as fs from 'fs';
import * as path from 'path';
import { Duration, Fn, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { removeTempDirs, runtimeLayer, RUNNER_FIXTURES, shellFunction, synth, synthFunctions } from './assembly';
import { CloudAssembly } from '../../src/runner/cloud-assembly';
import { LocalRunner } from '../../src/runner/local-runner';

afterAll(() => removeTempDirs());

/** A construct holding a function, as a library construct would (`<id>/Function/Resource`). */
class Wrapper extends Construct {
  public readonly fn: lambda.Function;
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.fn = shellFunction(this, 'Function', { handler: 'echo_event' });
  }
}

describe('finding functions', () => {
  let assembly: CloudAssembly;
  beforeAll(() => {
    assembly = CloudAssembly.load(synth((app) => {
      const stack = new Stack(app, 'Names');
      shellFunction(stack, 'Plain', { handler: 'echo_event' });
      shellFunction(stack, 'Named', { handler: 'echo_event', functionName: 'my-named-function' });
      new Wrapper(stack, 'Wrapped');
      const group = new Construct(stack, 'Group');
      shellFunction(group, 'One', { handler: 'echo_event' });
      shellFunction(group, 'Two', { handler: 'echo_event' });
    }));
  });

  test.each([
    ['its logical ID', (logicalId: string) => logicalId],
    ['its construct path', () => 'Names/Plain/Resource'],
    ['its construct path without /Resource', () => 'Names/Plain'],
    ['its construct path with a leading slash', () => '/Names/Plain'],
    ['its path inside the stack', () => 'Plain'],
    ['its generated name', () => assembly.findFunction('Names/Plain').fn.functionName],
    ['its ARN', () => `arn:aws:lambda:us-east-1:123456789012:function:${assembly.findFunction('Names/Plain').fn.functionName}`],
  ])('by %s', (_, name) => {
    const plain = assembly.functions.find((f) => f.constructPath === 'Names/Plain/Resource')!;
    expect(assembly.findFunction(name(plain.logicalId)).fn).toBe(plain);
  });

  test('by a literal FunctionName, also as a partial ARN with a qualifier', () => {
    expect(assembly.findFunction('my-named-function').fn.constructPath).toBe('Names/Named/Resource');
    expect(assembly.findFunction('123456789012:function:my-named-function:live')).toMatchObject({
      fn: { constructPath: 'Names/Named/Resource' },
      qualifierInName: 'live',
    });
  });

  test('by the path of the construct that encloses it', () => {
    expect(assembly.findFunction('Names/Wrapped').fn.constructPath).toBe('Names/Wrapped/Function/Resource');
  });

  test('an enclosing path with two functions under it is ambiguous, and the message lists them', () => {
    expect(() => assembly.findFunction('Names/Group')).toThrow(
      /Function name 'Names\/Group' is ambiguous: 2 functions are under that construct path\. Candidates: GroupOne[0-9A-F]{8} \(Names\/Group\/One\/Resource\), GroupTwo[0-9A-F]{8} \(Names\/Group\/Two\/Resource\)/);
  });

  test('no name with several functions is an error listing them', () => {
    expect(() => assembly.findFunction()).toThrow(/holds 5 functions: give a function name\. Candidates: /);
  });

  test('an unknown name is ResourceNotFoundException', () => {
    expect(() => assembly.findFunction('Names/Nope')).toThrow(expect.objectContaining({ errorType: 'ResourceNotFoundException' }));
  });

  test('a qualifier in the name that contradicts Qualifier is InvalidParameterValueException', () => {
    expect(() => assembly.resolve('my-named-function:live', '$LATEST')).toThrow(expect.objectContaining({ errorType: 'InvalidParameterValueException' }));
  });
});

describe('reading the configuration', () => {
  test('Lambda\'s defaults and the template\'s values', () => {
    const assembly = CloudAssembly.load(synthFunctions({
      Defaults: { handler: 'echo_event' },
      Set: { handler: 'echo_event', timeout: 42, memorySize: 1024, architecture: lambda.Architecture.ARM_64, tracing: lambda.Tracing.ACTIVE },
    }));
    const [defaults, set] = assembly.functions;
    expect(defaults).toMatchObject({ timeoutSeconds: 3, memorySize: 128, architectures: ['x86_64'], tracingMode: 'PassThrough', runtime: 'provided.al2023', handler: 'function.echo_event' });
    expect(set).toMatchObject({ timeoutSeconds: 42, memorySize: 1024, architectures: ['arm64'], tracingMode: 'Active' });
  });

  test('the region and account of an environment-specific stack go into the ARN', () => {
    const assembly = CloudAssembly.load(synthFunctions({ Fn: { handler: 'echo_event' } }, { env: { account: '111122223333', region: 'eu-west-3' } }));
    expect(assembly.resolve('Fn', undefined).invokedArn).toMatch(/^arn:aws:lambda:eu-west-3:111122223333:function:RunnerTest-Fn/);
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
});

describe('stages, nested stacks and assets', () => {
  test('functions of stages (nested cloud assemblies) are found and run', async () => {
    const assemblyDir = synth((app) => {
      for (const stageName of ['Beta', 'Prod']) {
        const stage = new Stage(app, stageName);
        shellFunction(new Stack(stage, 'Service'), 'Api', { handler: 'echo_event' });
      }
    });
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    try {
      expect(runner.assembly.functions.map((f) => f.constructPath)).toEqual(['Beta/Service/Api/Resource', 'Prod/Service/Api/Resource']);
      expect(() => runner.assembly.findFunction('Api')).toThrow(/ambiguous/);
      const res = await runner.invoke({ functionName: 'Prod/Service/Api', payload: '"prod"' });
      expect(res.payload.toString()).toBe('"prod"');
    } finally {
      await runner.close();
    }
  });

  test('without asset and path metadata, assets are found through the asset manifest and paths through the stack metadata', async () => {
    const assemblyDir = synth((app) => {
      shellFunction(new Stack(app, 'Bare'), 'Fn', { handler: 'echo_event' });
    }, { metadata: false });
    const template = fs.readFileSync(path.join(assemblyDir, 'Bare.template.json'), 'utf8');
    expect(template).not.toContain('aws:asset:path');
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    try {
      expect(runner.assembly.functions[0].constructPath).toBe('Bare/Fn/Resource');
      const res = await runner.invoke({ functionName: 'Bare/Fn', payload: '"bare"' });
      expect(res.functionError).toBeUndefined();
      expect(res.payload.toString()).toBe('"bare"');
    } finally {
      await runner.close();
    }
  });

  test('functions of nested stacks are found and run', async () => {
    const assemblyDir = synth((app) => {
      const parent = new Stack(app, 'Parent');
      const nested = new NestedStack(parent, 'Inner');
      shellFunction(nested, 'Fn', { handler: 'echo_event' });
    });
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    try {
      expect(runner.assembly.functions.map((f) => f.constructPath)).toEqual(['Parent/Inner/Fn/Resource']);
      const res = await runner.invoke({ functionName: 'Parent/Inner/Fn', payload: '"nested"' });
      expect(res.payload.toString()).toBe('"nested"');
    } finally {
      await runner.close();
    }
  });

  test('a zip file asset is extracted with its modes and symbolic links', async () => {
    const assemblyDir = synthFunctions({
      Zipped: { handler: 'unused', codeDir: path.join(RUNNER_FIXTURES, 'zipped', 'package.zip'), layers: [] },
    });
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    try {
      const res = await runner.invoke({});
      expect(res.functionError).toBeUndefined();
      expect(JSON.parse(res.payload.toString())).toBe('zip: data');
    } finally {
      await runner.close();
    }
  });

  test('a layer of another stack of the app is followed through its export', async () => {
    const assemblyDir = synth((app) => {
      const layers = new Stack(app, 'Layers');
      const layer = runtimeLayer(layers);
      shellFunction(new Stack(app, 'Consumer'), 'Fn', { handler: 'echo_event', layers: [layer] });
    });
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    try {
      expect(runner.assembly.functions[0].layers[0].description).toBe('Layers/CdkCustomRuntimeShellRuntimex8664/Resource');
      const res = await runner.invoke({ payload: '"cross-stack"' });
      expect(res.payload.toString()).toBe('"cross-stack"');
    } finally {
      await runner.close();
    }
  });

  test('a layer given by ARN cannot be run locally: a clear error, before any 202', async () => {
    const assemblyDir = synth((app) => {
      const stack = new Stack(app, 'Arn');
      const external = lambda.LayerVersion.fromLayerVersionArn(stack, 'External', 'arn:aws:lambda:us-east-1:123456789012:layer:shared:3');
      shellFunction(stack, 'Fn', { handler: 'echo_event', layers: [runtimeLayer(stack), external] });
    });
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    try {
      await expect(runner.invoke({})).rejects.toThrow(
        'Cannot run Arn/Fn/Resource locally: its layer arn:aws:lambda:us-east-1:123456789012:layer:shared:3 is not defined in the cloud assembly');
      await expect(runner.invoke({ invocationType: 'Event' })).rejects.toThrow(/is not defined in the cloud assembly/);
      expect(runner.runtimeStarts).toBe(0);
    } finally {
      await runner.close();
    }
  });

  test('a managed runtime is refused with a clear error', async () => {
    const assemblyDir = synth((app) => {
      new lambda.Function(new Stack(app, 'Managed'), 'Fn', {
        runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
      });
      new lambda.Function(new Stack(app, 'Managed2'), 'Fn', {
        runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromAsset(path.join(RUNNER_FIXTURES, 'handlers')),
      });
    });
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    try {
      await expect(runner.invoke({ functionName: 'Managed/Fn' })).rejects.toThrow(/its code is inline/);
      await expect(runner.invoke({ functionName: 'Managed2/Fn' })).rejects.toThrow(/its runtime nodejs20.x is a managed runtime/);
    } finally {
      await runner.close();
    }
  });

  test('environment values that need a deployment are skipped with one warning each, pseudo parameters resolve', async () => {
    const assemblyDir = synth((app) => {
      const stack = new Stack(app, 'Tokens');
      shellFunction(stack, 'Fn', {
        handler: 'environment',
        environment: {
          JOINED: Fn.join('-', ['a', stack.region, stack.account, stack.partition]),
          IMPORTED: Fn.importValue('SomeExport'),
        },
      });
    });
    const warnings: string[] = [];
    const runner = LocalRunner.open(assemblyDir, { onWarning: (m) => warnings.push(m) });
    try {
      const env = (await runner.invoke({})).payload.toString();
      await runner.invoke({});
      expect(env).toMatch(/^JOINED=a-us-east-1-123456789012-aws$/m);
      expect(env).not.toMatch(/^IMPORTED=/m);
      expect(warnings).toEqual([expect.stringMatching(/^Tokens\/Fn\/Resource: environment variable IMPORTED is not set locally: its value \{"Fn::ImportValue":"SomeExport"\}/)]);
    } finally {
      await runner.close();
    }
  });
});
