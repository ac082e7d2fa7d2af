/**
 * Scale-out and throttling under load, through a real `serve` process and the real SDK client: the
 * handler waits on a barrier the test controls, so that how many invocations are in flight, and so
 * which ones Lambda would throttle, is known exactly.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InvokeCommand, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { Stack } from 'aws-cdk-lib';
import { removeTempDirs, shellFunction, synth, tempDir } from './assembly';
import { localLambdaClient, startServe } from './cli-process';
import { isAlive } from './processes';
import { LocalRunner } from '../../src/runner/local-runner';

const CLIENTS = 8;
const INVOCATIONS = 400;
const RESERVED = 3;

let app: string;
let barrierDir: string;
let startLog: string;
beforeAll(() => {
  barrierDir = tempDir('barrier-');
  startLog = path.join(tempDir(), 'starts.log');
  app = synth((a) => {
    const stack = new Stack(a, 'Load');
    shellFunction(stack, 'Gated', {
      handler: 'barrier',
      reservedConcurrentExecutions: RESERVED,
      timeout: 60,
      environment: { BARRIER_DIR: barrierDir, FIXTURE_START_LOG: startLog },
    });
    shellFunction(stack, 'Unreserved', { handler: 'barrier', timeout: 60, environment: { BARRIER_DIR: barrierDir } });
    shellFunction(stack, 'Scratch', { handler: 'scratch' });
  });
});
afterAll(() => removeTempDirs());

function entered(round: number): number {
  return fs.readdirSync(barrierDir).filter((f) => f.startsWith(`entered-${round}.`)).length;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 3000) {
      throw new Error(`gave up waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function startPids(): number[] {
  return fs.existsSync(startLog) ? fs.readFileSync(startLog, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[1])) : [];
}

describe('reserved concurrency under load', () => {
  test(`${CLIENTS} SDK clients, ${INVOCATIONS} invocations, reserved concurrency ${RESERVED}: exactly those beyond capacity are throttled`, async () => {
    // GIVEN serve, and one SDK client per simulated caller (no SDK retries: each call is counted once)
    const serve = await startServe(['--app', app]);
    const clients = Array.from({ length: CLIENTS }, () => localLambdaClient(serve.url));
    const answers = new Map<string, number>();
    let throttles = 0;
    try {
      // WHEN, round after round, every client calls at once while the handler holds the function's capacity
      for (let round = 0; round < INVOCATIONS / CLIENTS; round++) {
        let rejected = 0;
        const calls = clients.map(async (client, c) => {
          const id = `${round}-${c}`;
          try {
            const res = await client.send(new InvokeCommand({ FunctionName: 'Load/Gated', Payload: Buffer.from(JSON.stringify({ round, id })) }));
            expect(res.FunctionError).toBeUndefined();
            const echoed = JSON.parse(Buffer.from(res.Payload!).toString()).id;
            answers.set(echoed, (answers.get(echoed) ?? 0) + 1);
          } catch (e) {
            rejected++;
            expect(e).toBeInstanceOf(TooManyRequestsException);
            expect(e).toMatchObject({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', $metadata: { httpStatusCode: 429 } });
          }
        });
        // the function holds RESERVED invocations, and every other call came back throttled
        await until(() => entered(round) === RESERVED && rejected === CLIENTS - RESERVED, `round ${round}`);
        fs.writeFileSync(path.join(barrierDir, `release-${round}`), '');
        await Promise.all(calls);
        throttles += rejected;
        expect(entered(round)).toBe(RESERVED);
      }
    } finally {
      clients.forEach((c) => c.destroy());
      await serve.stop();
    }
    // THEN
    const answered = INVOCATIONS / CLIENTS * RESERVED;
    expect(throttles).toBe(INVOCATIONS - answered);
    expect(answers.size).toBe(answered);
    expect([...answers.values()].every((n) => n === 1)).toBe(true);
    // three environments, started in the first round and warm afterwards: the REPORT lines say which were cold
    const reports = serve.stderr().split('\n').filter((l) => l.startsWith('REPORT RequestId:'));
    expect(reports).toHaveLength(answered);
    expect(reports.filter((l) => l.includes('Init Duration:'))).toHaveLength(RESERVED);
    const pids = startPids();
    expect(pids).toHaveLength(RESERVED);
    // no runtime is left running after serve stopped
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

describe('concurrency', () => {
  let runner: LocalRunner;
  afterEach(async () => runner?.close());

  test('Event invocations beyond capacity wait for a free environment instead of being throttled; synchronous ones are throttled meanwhile', async () => {
    // GIVEN a function limited to one invocation at a time (the runner's maximum, as an account limit)
    runner = LocalRunner.open(app, { maxConcurrency: 1, onWarning: () => undefined });
    const round = 1000;
    // WHEN three events are queued while the first one holds the only slot
    for (let i = 0; i < 3; i++) {
      await runner.invoke({ functionName: 'Unreserved', invocationType: 'Event', payload: JSON.stringify({ round: round + i }) });
    }
    await until(() => entered(round) === 1, 'the first event');
    // THEN a synchronous call is throttled with the account-level reason
    await expect(runner.invoke({ functionName: 'Unreserved', payload: JSON.stringify({ round: 1 }) }))
      .rejects.toMatchObject({ errorType: 'TooManyRequestsException', statusCode: 429, details: { Reason: 'ConcurrentInvocationLimitExceeded' } });
    // AND the events run one after the other, each once, in one environment
    for (let i = 0; i < 3; i++) {
      await until(() => entered(round + i) === 1, `event ${i}`);
      expect(entered(round + i + 1)).toBe(0);
      fs.writeFileSync(path.join(barrierDir, `release-${round + i}`), '');
    }
    await runner.waitForAsync();
    expect(runner.runtimeStarts).toBe(1);
  });

  test('each environment has a /tmp of its own', async () => {
    // GIVEN two environments of one function, kept busy at once
    runner = LocalRunner.open(app, { onWarning: () => undefined });
    const both = await Promise.all(['one', 'two'].map((name) => runner.invoke({ functionName: 'Scratch', payload: JSON.stringify(name) })));
    // WHEN each writes a file to its /tmp, THEN it sees only its own
    const seen = both.map((r) => JSON.parse(r.payload.toString()));
    expect(runner.runtimeStarts).toBe(2);
    expect(seen.sort()).toEqual(['scratch-one', 'scratch-two']);
    // AND an environment keeps its /tmp from one invocation to the next
    const again = JSON.parse((await runner.invoke({ functionName: 'Scratch', payload: '"three"' })).payload.toString());
    expect(['scratch-one scratch-three', 'scratch-three scratch-two']).toContain(again);
  });
});
