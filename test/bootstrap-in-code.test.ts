import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CustomRuntimeFunction } from '../src';
import { echoCode, newStack } from './util';

const WARNING = 'cdk-custom-runtime:bootstrapInCode';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A code directory with `function.sh`, and a `bootstrap` at its root when asked. */
function codeDir(withBootstrap: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crt-code-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'function.sh'), 'handler() { cat; }\n');
  if (withBootstrap) {
    fs.writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\necho not the runtime\n', { mode: 0o755 });
  }
  return dir;
}

describe('a bootstrap at the root of the function\'s code, next to the runtime layer', () => {
  test('is an acknowledgeable warning saying Lambda runs it instead of the layer\'s', () => {
    // GIVEN
    const stack = newStack();
    const dir = codeDir(true);
    // WHEN
    new CustomRuntimeFunction(stack, 'Fn', { code: lambda.Code.fromAsset(dir), handler: 'function.handler' });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp(
      `bootstrap at its root \\(${path.join(dir, 'bootstrap')}\\): Lambda runs /var/task/bootstrap, not the runtime layer's /opt/bootstrap.*\\[ack: ${WARNING}\\]`));
  });

  test('no warning without one, nor for code the construct cannot look into (S3)', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Plain', { code: lambda.Code.fromAsset(codeDir(false)), handler: 'function.handler' });
    new CustomRuntimeFunction(stack, 'Echo', { code: echoCode(), handler: 'function.handler' });
    const bucket = s3.Bucket.fromBucketName(stack, 'Code', 'my-code');
    new CustomRuntimeFunction(stack, 'FromBucket', { code: lambda.Code.fromBucket(bucket, 'fn.zip'), handler: 'function.handler' });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('bootstrap at its root'))).toEqual([]);
  });
});
