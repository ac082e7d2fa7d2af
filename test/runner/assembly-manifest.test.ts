import { Stack, Stage } from 'aws-cdk-lib';
import { removeTempDirs, shellFunction, synth, synthFunctions } from './assembly';
import { CloudAssembly } from '../../src/runner/cloud-assembly';
import { LocalRunner } from '../../src/runner/local-runner';

// Reading manifest.json: stages (nested cloud assemblies) and the stacks' environments.

afterAll(() => removeTempDirs());

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

test('the region and account of an environment-specific stack go into the ARN', () => {
  const assembly = CloudAssembly.load(synthFunctions({ Fn: { handler: 'echo_event' } }, { env: { account: '111122223333', region: 'eu-west-3' } }));
  expect(assembly.resolve('Fn', undefined).invokedArn).toMatch(/^arn:aws:lambda:eu-west-3:111122223333:function:RunnerTest-Fn/);
});
