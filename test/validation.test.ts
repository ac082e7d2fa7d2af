import { Annotations as CoreAnnotations, Duration, Lazy, Size } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CustomRuntimeFunction, CustomRuntimeFunctionProps } from '../src';
import { echoCode, newStack } from './util';

/** Synthesizes a function with `props` over the defaults, in a stack of its own. */
function build(props: Partial<CustomRuntimeFunctionProps>) {
  const stack = newStack();
  const fn = new CustomRuntimeFunction(stack, 'BadFn', { code: echoCode(), handler: 'function.handler', ...props });
  return { stack, fn };
}

describe('invalid props fail at synth, naming the construct path, the property, the value and the valid range', () => {
  test.each<[string, Partial<CustomRuntimeFunctionProps>, string]>([
    ['runtime', { runtime: lambda.Runtime.NODEJS_20_X },
      'TestStack/BadFn: runtime must be one of provided.al2023, provided.al2, got nodejs20.x (this construct runs a custom runtime\'s bootstrap)'],
    ['handler without a function', { handler: 'function' },
      'TestStack/BadFn: handler must have the form file.function (file: letters, digits, "_", "-", "." and "/", no ".." part; function: a letter or "_", then letters, digits, "_" or "-"; at most 128 characters), got "function"'],
    ['handler leaving the task root', { handler: 'lib/../../etc/passwd.x' }, 'TestStack/BadFn: handler must have the form file.function'],
    ['handler with a space', { handler: 'my file.handler' }, 'TestStack/BadFn: handler must have the form file.function'],
    ['handler with a bad function name', { handler: 'function.1abc' }, 'TestStack/BadFn: handler must have the form file.function'],
    ['handler too long', { handler: `${'f'.repeat(125)}.abc` }, 'TestStack/BadFn: handler must have the form file.function'],
    ['alias $LATEST', { aliasName: '$LATEST' },
      'TestStack/BadFn: aliasName must be 1 to 128 letters, digits, "-" or "_", and not a number or $LATEST (those name versions), got "$LATEST"'],
    ['alias a number', { aliasName: '42' }, 'TestStack/BadFn: aliasName must be 1 to 128 letters, digits, "-" or "_", and not a number or $LATEST (those name versions), got "42"'],
    ['alias with a bad character', { aliasName: 'live.v2' }, 'got "live.v2"'],
    ['alias too long', { aliasName: 'a'.repeat(129) }, 'TestStack/BadFn: aliasName must be 1 to 128'],
    ['memory too small', { memorySize: 64 }, 'TestStack/BadFn: memorySize must be an integer between 128 MB and 10240 MB, got 64 MB'],
    ['memory too large', { memorySize: 10241 }, 'TestStack/BadFn: memorySize must be an integer between 128 MB and 10240 MB, got 10241 MB'],
    ['timeout too long', { timeout: Duration.minutes(16) }, 'TestStack/BadFn: timeout must be between 1 second and 15 minutes, got 16 minutes'],
    ['ephemeral storage too small', { ephemeralStorageSize: Size.mebibytes(256) },
      'TestStack/BadFn: ephemeralStorageSize must be an integer between 512 MiB and 10240 MiB, got 256 MiB'],
    ['ephemeral storage too large', { ephemeralStorageSize: Size.gibibytes(11) },
      'TestStack/BadFn: ephemeralStorageSize must be an integer between 512 MiB and 10240 MiB, got 11264 MiB'],
    ['retry attempts', { retryAttempts: 3 }, 'TestStack/BadFn: retryAttempts must be an integer between 0 and 2, got 3'],
    ['negative retry attempts', { retryAttempts: -1 }, 'TestStack/BadFn: retryAttempts must be an integer between 0 and 2, got -1'],
    ['max event age too short', { maxEventAge: Duration.seconds(59) }, 'TestStack/BadFn: maxEventAge must be between 1 minute and 6 hours, got 59 seconds'],
    ['max event age too long', { maxEventAge: Duration.hours(7) }, 'TestStack/BadFn: maxEventAge must be between 1 minute and 6 hours, got 7 hours'],
    ['provisioned above reserved', { reservedConcurrentExecutions: 5, provisionedConcurrentExecutions: 10 },
      'TestStack/BadFn: provisionedConcurrentExecutions must be between 1 and reservedConcurrentExecutions (5), got 10'],
    ['provisioned zero', { provisionedConcurrentExecutions: 0 }, 'TestStack/BadFn: provisionedConcurrentExecutions must be an integer between 1 and 1000000, got 0'],
    ['too many layers', { layers: [1, 2, 3, 4, 5].map(n => lambda.LayerVersion.fromLayerVersionArn(newStack(), 'L', `arn:aws:lambda:us-east-1:123456789012:layer:l${n}:1`)) },
      'TestStack/BadFn: layers: a function can use at most 5 layers including the runtime layer, so at most 4 more, got 5 (6 in total)'],
    ['environment over 4 KB', { environment: { BIG: 'x'.repeat(4094) } },
      'TestStack/BadFn: environment must total at most 4096 bytes (names and values), got 4097 bytes in the variables whose values are known at synth'],
    ['environment variable name', { environment: { '1BAD': 'x' } },
      'TestStack/BadFn: environment variable names must be a letter followed by one or more letters, digits or "_", got "1BAD"'],
    ['one-letter environment variable name', { environment: { X: 'x' } }, 'TestStack/BadFn: environment variable names must be a letter followed by one or more'],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('the limits themselves are accepted', () => {
    expect(() => build({
      memorySize: 10240,
      timeout: Duration.minutes(15),
      ephemeralStorageSize: Size.mebibytes(10240),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      aliasName: 'a'.repeat(128),
      environment: { BIG: 'x'.repeat(4093) },
      reservedConcurrentExecutions: 10,
      provisionedConcurrentExecutions: 10,
    })).not.toThrow();
    expect(() => build({ memorySize: 128, maxEventAge: Duration.seconds(60), retryAttempts: 0, handler: 'src/main-v2.handle_event' })).not.toThrow();
    expect(() => build({ handler: 'lib/api.v2.get-item' })).not.toThrow();
  });

  test('tokens are skipped, never guessed', () => {
    const token = Lazy.number({ produce: () => 99999 });
    expect(() => build({
      memorySize: token,
      timeout: Duration.seconds(Lazy.number({ produce: () => 100000 })),
      aliasName: Lazy.string({ produce: () => '$LATEST' }),
      environment: { BIG: Lazy.string({ produce: () => 'x'.repeat(10000) }) },
    })).not.toThrow();
  });
});

describe('acknowledgeable warnings for legal but risky choices', () => {
  test('a secret-looking environment variable name', () => {
    const { stack } = build({ environment: { DB_PASSWORD: 'hunter2', STAGE: 'prod' } });
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/BadFn', Match.stringLikeRegexp('looks like a secret'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain('DB_PASSWORD');
  });

  test('reserved concurrency 0 stops the function', () => {
    const { stack } = build({ reservedConcurrentExecutions: 0 });
    Annotations.fromStack(stack).hasWarning('/TestStack/BadFn', Match.stringLikeRegexp('function is stopped'));
  });

  test('warnings can be acknowledged by id', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', deadLetterQueueEnabled: false });
    CoreAnnotations.of(fn).acknowledgeWarning('cdk-custom-runtime:noDeadLetterQueue', 'events are replayable from the source');
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Fn', Match.anyValue());
  });

  test('the default function records no warning', () => {
    const { stack } = build({});
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
