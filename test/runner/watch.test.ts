/**
 * `serve --watch`: a real `serve` process, and the same app synthesized again into the same
 * cdk.out after its handler was edited, as `cdk synth` (or `cdk watch`) does.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { removeTempDirs, shellFunction, tempDir } from './assembly';
import { ServeProcess, startServe } from './cli-process';

let work: string;
let outdir: string;
let codeDir: string;
let serve: ServeProcess;

/** Writes the handler `answer`, which answers `version` (after 2 s when the event says "slow"). */
function writeHandler(version: string): void {
  fs.writeFileSync(path.join(codeDir, 'function.sh'), [
    '# shellcheck shell=bash',
    'answer() {',
    '  local event; event=$(cat)',
    '  if [[ $event == *slow* ]]; then sleep 2; fi',
    `  printf '"%s"' ${version}`,
    '}',
    '',
  ].join('\n'));
}

/** Synthesizes the app into the same cdk.out every time, as a new `cdk synth` process would (no asset hash cache). */
function synthApp(): void {
  AssetStaging.clearAssetHashCache();
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'WatchTest');
  shellFunction(stack, 'Fn', { handler: 'answer', codeDir, timeout: 10 });
  shellFunction(stack, 'Other', { handler: 'echo_event' });
  app.synth();
}

function invoke(name: string, payload = '{}'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${serve.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST' }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve(data));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Waits until serve has printed `text` `times` times on `stream` (jest's timeout bounds it). */
async function printed(stream: 'stdout' | 'stderr', text: string, times = 1): Promise<void> {
  while (serve[stream]().split(text).length - 1 < times) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  work = tempDir();
  outdir = path.join(work, 'cdk.out');
  codeDir = path.join(work, 'code');
  fs.mkdirSync(codeDir);
  writeHandler('v1');
  synthApp();
  serve = await startServe(['--app', outdir, '--watch', '--quiet']);
  await printed('stdout', 'Watching');
});
afterAll(async () => {
  await serve?.stop();
  removeTempDirs();
});

test('an edited handler is picked up after one synth; in-flight invocations finish on the old code; nothing is lost', async () => {
  // GIVEN a warm function, and invocations in flight (one slow, several queued behind it)
  expect(await invoke('Fn')).toBe('"v1"');
  expect(await invoke('Other', '{"warm":true}')).toBe('{"warm":true}');
  const inFlight = [invoke('Fn', '{"slow":true}'), ...Array.from({ length: 4 }, () => invoke('Fn'))];
  // WHEN the handler is edited and the app synthesized once
  writeHandler('v2');
  synthApp();
  await printed('stdout', 'Reloaded the cloud assembly: WatchTest/Fn/Resource changed');
  // THEN the next invocation runs the new code
  expect(await invoke('Fn')).toBe('"v2"');
  // AND the invocations in flight were each answered once, by the old code
  expect(await Promise.all(inFlight)).toEqual(['"v1"', '"v1"', '"v1"', '"v1"', '"v1"']);
  // AND the function that did not change kept its environment
  expect(serve.stdout()).not.toMatch(/WatchTest\/Other\/Resource changed/);
});

test('a broken assembly is reported and the previous one keeps serving, until a good synth', async () => {
  const before = await invoke('Fn');
  // WHEN
  fs.writeFileSync(path.join(outdir, 'manifest.json'), '{ not json');
  await printed('stderr', 'The cloud assembly changed but cannot be read; still serving the previous one');
  // THEN
  expect(await invoke('Fn')).toBe(before);
  // AND a good synth is picked up again
  writeHandler('v3');
  synthApp();
  await printed('stdout', 'Reloaded the cloud assembly: WatchTest/Fn/Resource changed', 2);
  expect(await invoke('Fn')).toBe('"v3"');
});
