import { Fn, Stack } from 'aws-cdk-lib';
import { removeTempDirs, shellFunction, synth } from './assembly';
import { LocalRunner } from '../../src/runner/local-runner';

afterAll(() => removeTempDirs());

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
