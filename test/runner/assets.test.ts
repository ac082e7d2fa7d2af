import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { removeTempDirs, RUNNER_FIXTURES, shellFunction, synth, synthFunctions } from './assembly';
import { LocalRunner } from '../../src/runner/local-runner';

// Finding a function's code in the cloud assembly: by its asset metadata, its S3 key, as a zip file; or why not.

afterAll(() => removeTempDirs());

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
