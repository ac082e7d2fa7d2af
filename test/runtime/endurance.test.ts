/**
 * Many invocations through one runtime process: each answered exactly once,
 * in order, with no growth in temporary files or open file descriptors.
 */
import { describeEachTransport, RuntimeHarness } from './harness';

describeEachTransport('300 invocations', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('answered exactly once each, in order; no file or descriptor left behind', async () => {
    // GIVEN a runtime that has answered once (its scratch files exist)
    // (all are queued at once: the last one's timeout runs while the 299 before it are answered)
    runtime = await RuntimeHarness.start({ handler: 'context.sequence', invokeTimeoutMs: 120_000 });
    await runtime.respond('warm-up');
    const fdsBefore = await runtime.idleFds(2);
    const filesBefore = runtime.tmpEntries();

    // WHEN 300 invocations are queued at once, every tenth one failing on purpose
    const answers: string[] = [];
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      runtime.invoke({ payload: Buffer.from(`event-${i}`), requestId: `req-${String(i).padStart(3, '0')}` })
        .then((result) => { answers.push(result.requestId); return result; })));

    // THEN each got its own answer, in order
    results.forEach((result, i) => {
      expect(result.kind).toBe('response');
      expect(result.requestId).toBe(`req-${String(i).padStart(3, '0')}`);
      expect(result.body.toString()).toBe(`req-${String(i).padStart(3, '0')} event-${i}`);
    });
    expect(answers).toEqual(results.map((r) => r.requestId));
    // none answered twice, no path unknown
    expect(runtime.server.protocolErrors).toEqual([]);
    expect(runtime.log).toBe('');
    // one GET /next per invocation, plus the one waiting now
    const fdsAfter = await runtime.idleFds(302);
    expect(runtime.server.nextCalls).toBe(302);
    // and the same files and descriptors as before
    expect(runtime.tmpEntries()).toEqual(filesBefore);
    expect(fdsAfter).toEqual(fdsBefore);
  });

  test('with failures mixed in, the same holds', async () => {
    runtime = await RuntimeHarness.start({ handler: 'fail.sometimes', invokeTimeoutMs: 120_000 });
    await runtime.respond('warm-up');
    const fdsBefore = await runtime.idleFds(2);
    const filesBefore = runtime.tmpEntries();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      runtime.invoke({ payload: Buffer.from(i % 3 === 0 ? 'fail' : `e${i}`), requestId: `r${i}` })));
    results.forEach((result, i) => {
      expect(result.requestId).toBe(`r${i}`);
      expect(result.kind).toBe(i % 3 === 0 ? 'error' : 'response');
    });
    const fdsAfter = await runtime.idleFds(102);
    expect(runtime.server.protocolErrors).toEqual([]);
    expect(runtime.tmpEntries()).toEqual(filesBefore);
    expect(fdsAfter).toEqual(fdsBefore);
  });
});
