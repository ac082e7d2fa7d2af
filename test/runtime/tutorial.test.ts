/**
 * The Lambda developer guide's bash tutorial handler (function.sh, as
 * published) runs unchanged under our runtime.
 */
import * as path from 'node:path';
import { describeEachTransport, RuntimeHarness, TUTORIAL } from './harness';

describeEachTransport('the tutorial handler under our runtime', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('echoes the event through "$1" and logs it on stderr', async () => {
    // GIVEN the tutorial's function.sh, unchanged
    runtime = await RuntimeHarness.start({ handler: 'function.handler', taskRoot: TUTORIAL });
    // WHEN
    const response = await runtime.respond('{"key1":"value1","key2":"value2","key3":"value3"}');
    // THEN what the tutorial shows
    expect(response).toBe('Echoing request: \'{"key1":"value1","key2":"value2","key3":"value3"}\'\n');
    await runtime.waitForLog('{"key1":"value1","key2":"value2","key3":"value3"}\n');
    expect(await runtime.respond('second')).toBe('Echoing request: \'second\'\n');
  });

  test('the tutorial runtime itself works with our server (the baseline of bench/runtime-overhead.ts)', async () => {
    runtime = await RuntimeHarness.start({
      handler: 'function.handler',
      taskRoot: TUTORIAL,
      command: ['bash', path.join(TUTORIAL, 'bootstrap')],
    });
    // its `curl -d` and `$(...)` strip the trailing newline our runtime keeps
    expect(await runtime.respond('{"a":1}')).toBe('Echoing request: \'{"a":1}\'');
  });
});
