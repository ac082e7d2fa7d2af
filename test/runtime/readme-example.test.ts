/**
 * The complete handler in runtime/shell/README.md is the fixture hello.sh,
 * and it behaves as the README says.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeEachTransport, FIXTURES, REPO_ROOT, RuntimeHarness } from './harness';

const README = fs.readFileSync(path.join(REPO_ROOT, 'runtime', 'shell', 'README.md'), 'utf8');
const EXAMPLE = README.slice(README.indexOf('## Example'));

describeEachTransport('README example', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('the README shows hello.sh as it is', () => {
    const block = /```bash\n([\s\S]*?)```/.exec(EXAMPLE);
    expect(block?.[1]).toBe(fs.readFileSync(path.join(FIXTURES, 'hello.sh'), 'utf8'));
  });

  test('it answers and fails as the README says', async () => {
    runtime = await RuntimeHarness.start({ handler: 'hello.handler' });
    const ok = JSON.parse(await runtime.respond({ payload: Buffer.from('{"name": "Ada"}'), requestId: 'r-1' }));
    expect(ok).toEqual({ message: 'Hello, Ada!', requestId: 'r-1' });
    await runtime.waitForLog(/^request r-1 for Ada, \d+ ms left$/m);

    const failed = await runtime.invoke({ payload: Buffer.from('{}') });
    expect(failed.kind).toBe('error');
    const shown = /```json\n(.*)\n```/.exec(EXAMPLE)![1];
    expect(JSON.parse(failed.body.toString())).toEqual(JSON.parse(shown));
  });
});
