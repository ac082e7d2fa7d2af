import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CustomRuntimeFunction, CustomRuntimeFunctionProps, RuntimeLayer } from '../src';
import { FIXTURES, resourcesOfType } from './util';

type Variant = Partial<CustomRuntimeFunctionProps> & { layerDir?: string; context?: Record<string, unknown> };

/** The logical ID of the version the function publishes, for one variant of its props. */
function versionIdOf(variant: Variant = {}): string {
  const { layerDir, context, ...props } = variant;
  const app = new App({ context });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  new CustomRuntimeFunction(stack, 'Fn', {
    code: lambda.Code.fromAsset(path.join(FIXTURES, 'handlers', 'echo')),
    handler: 'function.handler',
    runtimeLayer: new RuntimeLayer(stack, 'Runtime', { directory: layerDir ?? path.join(FIXTURES, 'layers', 'custom') }),
    ...props,
  });
  const versions = resourcesOfType(stack, 'AWS::Lambda::Version');
  expect(versions).toHaveLength(1);
  return versions[0][0];
}

describe('published versions', () => {
  const baseline = versionIdOf();

  test('are stable for identical input', () => {
    expect(versionIdOf()).toBe(baseline);
  });

  test('a runtime layer change publishes a new version', () => {
    expect(versionIdOf({ layerDir: path.join(FIXTURES, 'layers', 'custom-v2') })).not.toBe(baseline);
  });

  test('a runtime layer change publishes a new version even when the app turns the layer flag off', () => {
    const flagsOff = { '@aws-cdk/aws-lambda:recognizeLayerVersion': false, '@aws-cdk/aws-lambda:recognizeVersionProps': false };
    expect(versionIdOf({ context: flagsOff, layerDir: path.join(FIXTURES, 'layers', 'custom-v2') }))
      .not.toBe(versionIdOf({ context: flagsOff }));
  });

  test('a code change publishes a new version', () => {
    expect(versionIdOf({ code: lambda.Code.fromAsset(path.join(FIXTURES, 'handlers', 'echo-v2')) })).not.toBe(baseline);
  });

  test('a configuration change publishes a new version', () => {
    expect(versionIdOf({ memorySize: 512 })).not.toBe(baseline);
    expect(versionIdOf({ environment: { AB: 'c' } })).not.toBe(baseline);
  });

  test('a reserved-concurrency-only change does not try to publish a duplicate version', () => {
    expect(versionIdOf({ reservedConcurrentExecutions: 5 })).toBe(baseline);
  });

  test('versionTrigger forces a new version when nothing visible changed', () => {
    expect(versionIdOf({ versionTrigger: 'object-key-v2' })).not.toBe(baseline);
    expect(versionIdOf({ versionTrigger: 'object-key-v2' })).toBe(versionIdOf({ versionTrigger: 'object-key-v2' }));
  });
});
