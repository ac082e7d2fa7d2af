import { Fn, Stack } from 'aws-cdk-lib';
import { envOf, removeTempDirs, runnerOpener, shellFunction, synth } from './assembly';
import { LocalRunner } from '../../src/runner/local-runner';

// The runtime's environment, built from scratch as Lambda builds it.

const open = runnerOpener();
afterAll(() => removeTempDirs());

let app: string;
beforeAll(() => {
  app = synth((a) => {
    const stack = new Stack(a, 'RunnerTest');
    shellFunction(stack, 'Env', {
      handler: 'environment',
      memorySize: 256,
      environment: { GREETING: 'hello world', MULTI: 'a=b c', TOKEN: stack.stackId, REGION_ARN: `arn:aws:s3:${stack.region}::x` },
    });
  });
});

describe('environment', () => {
  const SECRET = 'host-secret-that-must-not-leak';
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAHOSTKEY',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: SECRET,
      AWS_PROFILE: 'host-profile',
      HOST_ONLY_VARIABLE: SECRET,
    });
  });
  afterEach(() => {
    process.env = saved;
  });

  test('is built from scratch: Lambda\'s variables and the function\'s own, nothing from the host but PATH', async () => {
    // GIVEN
    const warnings: string[] = [];
    const runner = open(app, { onWarning: (m) => warnings.push(m) });
    // WHEN
    const res = await runner.invoke({ functionName: 'RunnerTest/Env' });
    const env = envOf(res.payload);
    // THEN no credentials or other host variables
    expect(res.payload.toString()).not.toContain(SECRET);
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'HOST_ONLY_VARIABLE', 'HOME']) {
      expect(env[key]).toBeUndefined();
    }
    // Lambda's variables
    expect(env).toMatchObject({
      _HANDLER: 'function.environment',
      AWS_LAMBDA_FUNCTION_NAME: expect.stringMatching(/^RunnerTest-Env[0-9A-F]{8}$/),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: expect.stringMatching(/^\/aws\/lambda\/RunnerTest-Env/),
      AWS_LAMBDA_LOG_STREAM_NAME: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_provided.al2023',
      AWS_LAMBDA_RUNTIME_API: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
    });
    expect(env.LAMBDA_TASK_ROOT).toBe(env.PWD);
    expect(env.PATH.split(':')).toContain(`${env.LAMBDA_RUNTIME_DIR}/bin`);
    expect(env.LD_LIBRARY_PATH.split(':')).toEqual(expect.arrayContaining([`${env.LAMBDA_RUNTIME_DIR}/lib`, `${env.LAMBDA_TASK_ROOT}/lib`]));
    // the function's own variables that resolve locally; tokens skipped with a warning
    expect(env.GREETING).toBe('hello world');
    expect(env.MULTI).toBe('a=b c');
    expect(env.REGION_ARN).toBe('arn:aws:s3:us-east-1::x');
    expect(env.TOKEN).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('environment variable TOKEN is not set locally')]);
    // _X_AMZN_TRACE_ID is set per invocation by the runtime, not in the process environment
    expect(env._X_AMZN_TRACE_ID).toMatch(/^Root=1-/);
  });

  test('--env style overrides replace the function\'s variables but not Lambda\'s reserved ones', async () => {
    const runner = open(app, { environment: { GREETING: 'overridden', TOKEN: 'given', AWS_REGION: 'nope' } });
    const env = envOf((await runner.invoke({ functionName: 'Env' })).payload);
    expect(env.GREETING).toBe('overridden');
    expect(env.TOKEN).toBe('given');
    expect(env.AWS_REGION).toBe('us-east-1');
  });
});


test('environment values that need a deployment are skipped with one warning each, pseudo parameters resolve', async () => {
  const assemblyDir = synth((a) => {
    const stack = new Stack(a, 'Tokens');
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
