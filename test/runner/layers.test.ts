import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { removeTempDirs, runtimeLayer, shellFunction, synth } from './assembly';
import { LocalRunner } from '../../src/runner/local-runner';

afterAll(() => removeTempDirs());

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
