import { NestedStack, Stack } from 'aws-cdk-lib';
import { removeTempDirs, shellFunction, synth } from './assembly';
import { LocalRunner } from '../../src/runner/local-runner';

afterAll(() => removeTempDirs());

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
