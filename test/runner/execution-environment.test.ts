/**
 * The execution environment as Lambda makes it: file system layout, memory limit and freezing, each
 * tested in what this machine allows (Lambda's layout, a cgroup) and in the fallback, forced.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { fixtureLayer, removeTempDirs, RUNNER_FIXTURES, runtimeLayer, shellFunction, synth, tempDir } from './assembly';
import { isAlive } from './processes';
import { Layout } from '../../src/runner/layout';
import { LocalRunner, LocalRunnerOptions } from '../../src/runner/local-runner';
import { MemoryLimiter } from '../../src/runner/memory-limit';

let app: string;
let ticks: string;
const runners: LocalRunner[] = [];
/** What this machine allows. */
const layoutHere = Layout.detect(os.tmpdir());
const memoryHere = MemoryLimiter.detect();

beforeAll(() => {
  ticks = path.join(tempDir(), 'ticks');
  // an executable bootstrap that is neither a `#!` script nor a binary
  const noShebang = tempDir('no-shebang-');
  fs.writeFileSync(path.join(noShebang, 'bootstrap'), 'echo "a shell would run this"\n', { mode: 0o755 });
  app = synth((a) => {
    const stack = new Stack(a, 'Env');
    shellFunction(stack, 'Where', {
      handler: 'where',
      layers: [runtimeLayer(stack), fixtureLayer(stack, 'LayerA', 'layer-a')],
    });
    shellFunction(stack, 'OwnBootstrap', { handler: 'echo_event', codeDir: path.join(RUNNER_FIXTURES, 'own-bootstrap') });
    shellFunction(stack, 'NoShebang', { handler: 'x', codeDir: noShebang, layers: [] });
    shellFunction(stack, 'Hog', { handler: 'hog', memorySize: 128, environment: { HOG_POWER: '30' } });
    shellFunction(stack, 'Modest', { handler: 'hog', memorySize: 1024, environment: { HOG_POWER: '27' } });
    shellFunction(stack, 'Background', { handler: 'background', environment: { TICKS: ticks } });
  });
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});
afterAll(() => removeTempDirs());

function open(options: LocalRunnerOptions = {}): { runner: LocalRunner; log: () => string } {
  let log = '';
  const runner = LocalRunner.open(app, { onWarning: () => undefined, onLog: (t) => (log += t), ...options });
  runners.push(runner);
  return { runner, log: () => log };
}

async function call(runner: LocalRunner, functionName: string): Promise<{ payload: any; functionError?: string; log: string }> {
  const res = await runner.invoke({ functionName, logType: 'Tail' });
  return {
    payload: JSON.parse(res.payload.toString()),
    functionError: res.functionError,
    log: Buffer.from(res.logResult!, 'base64').toString(),
  };
}

function maxMemoryUsed(log: string): number {
  return Number(/Max Memory Used: (\d+) MB/.exec(log)![1]);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 1000) {
      throw new Error(`gave up waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The state letter of a process (`T`: stopped). */
function stateOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0];
}

function tickCount(): number {
  return fs.existsSync(ticks) ? fs.readFileSync(ticks, 'utf8').split('\n').length - 1 : 0;
}

describe('file system layout', () => {
  test(`what this machine allows (here: ${layoutHere.kind}) is used, and said once in the log`, async () => {
    const { runner, log } = open();
    const where = (await call(runner, 'Where')).payload;
    await call(runner, 'Where');
    expect(log().match(/execution environments: /g)).toHaveLength(1);
    if (layoutHere.kind === 'lambda') {
      // code at /var/task, read-only, and the working directory; the layers merged at /opt, their bin on PATH
      expect(where).toEqual({ pwd: '/var/task', taskRoot: '/var/task', opt: 'bin bootstrap share', readOnly: true, hello: '/opt/bin/hello' });
      expect(log()).toContain("execution environments: Lambda's layout (code at /var/task read-only, layers at /opt, a private /tmp) in a mount namespace");
      // nothing of it shows on the host
      expect(fs.existsSync('/var/task')).toBe(false);
    } else {
      expect(log()).toContain("execution environments: the host's layout, not Lambda's: ");
    }
  });

  test('the host\'s layout, forced: the staged directories, writable, and the log says why', async () => {
    const { runner, log } = open({ layout: 'host' });
    const where = (await call(runner, 'Where')).payload;
    expect(where.taskRoot).not.toBe('/var/task');
    expect(where.pwd).toBe(where.taskRoot);
    expect(where.readOnly).toBe(false);
    // the layers' staged directory, beside the code's
    expect(where.hello).toMatch(new RegExp(`^${path.dirname(where.taskRoot)}/opt-\\d+/bin/hello$`));
    expect(log()).toContain("execution environments: the host's layout, not Lambda's: asked for the host layout; "
      + 'the runtimes run from the staged directories, with TMPDIR as their /tmp');
  });

  test('the log says which bootstrap starts and why', async () => {
    const { runner, log } = open();
    await call(runner, 'Where');
    await runner.invoke({ functionName: 'OwnBootstrap' });
    expect(log()).toContain('[cdk-custom-runtime] Env/Where/Resource: starts /opt/bootstrap, from its layers (its code has no executable bootstrap)');
    expect(log()).toContain('[cdk-custom-runtime] Env/OwnBootstrap/Resource: starts /var/task/bootstrap, from its code '
      + "(Lambda takes it over /opt/bootstrap: the layers' bootstrap is not used)");
  });

  test('a bootstrap the kernel cannot exec is Runtime.InvalidEntrypoint, as on Lambda, though the runtime is started by a shell', async () => {
    const { runner, log } = open();
    const res = await call(runner, 'NoShebang');
    expect(res.payload).toEqual({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]+ Error: fork\/exec \/var\/task\/bootstrap: exec format error$/),
    });
    expect(log()).not.toContain('a shell would run this');
  });
});

describe('memory', () => {
  test(`going over MemorySize (here: ${memoryHere.kind}) ends the invocation; the next one gets a fresh environment`, async () => {
    const { runner } = open();
    const res = await call(runner, 'Hog');
    expect(res.functionError).toBe('Unhandled');
    if (memoryHere.kind === 'cgroup') {
      // Lambda's error, and the peak the cgroup measured: the whole limit
      expect(res.payload).toEqual({
        errorType: 'Runtime.OutOfMemory',
        errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]+ Error: Runtime exited with error: signal: killed$/),
      });
      expect(res.log).toMatch(/Memory Size: 128 MB\tMax Memory Used: 128 MB\t.*Status: error\tError Type: Runtime.OutOfMemory/);
      await call(runner, 'Hog');
      expect(runner.runtimeStarts).toBe(2);
    } else {
      expect(res.log).toContain('out of memory');
    }
  });

  test('under the rlimit fallback, forced, an allocation beyond MemorySize fails in the process that makes it', async () => {
    const { runner, log } = open({ memoryLimit: 'rlimit' });
    const res = await call(runner, 'Hog');
    expect(res.functionError).toBe('Unhandled');
    expect(res.log).toContain('out of memory');
    expect(log()).toContain('MemorySize enforced per process by RLIMIT_DATA (asked for rlimit)');
  });

  test('Max Memory Used is measured: a handler that builds a 128 MiB string reports at least that', async () => {
    const { runner } = open();
    const res = await call(runner, 'Modest');
    expect(res.payload).toBe(2 ** 27);
    const used = maxMemoryUsed(res.log);
    // the cgroup sees the handler's awk; without one only the runtime's own processes are measured
    expect(used).toBeGreaterThanOrEqual(memoryHere.kind === 'cgroup' ? 128 : 1);
    expect(used).toBeLessThanOrEqual(1024);
  });
});

describe('freezing', () => {
  test('between invocations the environment is stopped, background work included; the next invocation continues it', async () => {
    const { runner } = open();
    await call(runner, 'Background');
    const pid = Number(fs.readFileSync(`${ticks}.pid`, 'utf8'));
    // frozen once the runtime asked for the next event
    await until(() => stateOf(pid) === 'T', 'the freeze');
    const frozenAt = tickCount();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tickCount()).toBe(frozenAt);
    // WHEN the next invocation comes, THEN it runs again (and is frozen again after it)
    await call(runner, 'Background');
    expect(runner.runtimeStarts).toBe(1);
    await until(() => tickCount() > frozenAt, 'the thaw');
    // AND close() thaws before it stops the environment: nothing is left, stopped or not
    await runner.close();
    expect(isAlive(pid)).toBe(false);
  });

  test('--no-freeze (freeze: false) lets background work go on between invocations', async () => {
    const { runner, log } = open({ freeze: false });
    await call(runner, 'Background');
    const pid = Number(fs.readFileSync(`${ticks}.pid`, 'utf8'));
    const before = tickCount();
    await until(() => tickCount() >= before + 5, 'background ticks');
    expect(stateOf(pid)).not.toBe('T');
    expect(log()).toContain('not frozen between invocations (--no-freeze)');
  });
});
