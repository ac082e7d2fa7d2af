/**
 * What the runtime does per invocation, counted with strace (no timing: bench/runtime-overhead.ts
 * measures time): the processes it starts, the programs it execs, and the writes each request
 * takes on the fast path's connection (one: no second small segment for Nagle's algorithm to hold).
 */
import * as path from 'node:path';
import { BOOTSTRAP, TUTORIAL } from './harness';
import { NetRuntimeApi } from './net-runtime-api';
import { hasStrace, perInvocation } from './strace';

(hasStrace() ? describe : describe.skip)('per invocation, counted with strace', () => {
  test('fast path: no process of its own (one forked subshell runs the handler), no exec, one write per request', async () => {
    expect(await perInvocation([BOOTSTRAP], 'tcp')).toEqual({ processes: 1, execs: 0, requestWrites: 2 });
  });

  test('fast path, a 1 KiB event: still nothing started (its body is read with builtins)', async () => {
    expect(await perInvocation([BOOTSTRAP], 'tcp', { event: 'x'.repeat(1024) })).toEqual({ processes: 1, execs: 0, requestWrites: 2 });
  });

  test('fast path on a server that closes the connection after every answer: a new connection, still no process', async () => {
    const server = await NetRuntimeApi.start({ closeAfterAnswer: true });
    try {
      expect(await perInvocation([BOOTSTRAP], 'tcp', { server })).toEqual({ processes: 1, execs: 0, requestWrites: 2 });
      // two connections per invocation (its long poll and its post), and the one waiting
      expect(server.connections).toBe(2 * 21 + 1);
    } finally {
      await server.close();
    }
  });

  test('fast path, a 64 KiB response: one curl posts it and long-polls the next event, as on the curl path', async () => {
    // the handler (`cat`) is one process and one exec; curl the other, and no dd reads the event it fetched
    const options = { handler: 'echo.echo_event', event: 'x'.repeat(64 * 1024) };
    const fast = await perInvocation([BOOTSTRAP], 'tcp', options);
    expect(fast).toMatchObject({ processes: 3, execs: 2 });
    expect(fast).toMatchObject(await perInvocation([BOOTSTRAP], 'curl', options));
  });

  test('curl path: one curl and the subshell', async () => {
    expect(await perInvocation([BOOTSTRAP], 'curl')).toMatchObject({ processes: 2, execs: 1 });
  });

  test('the tutorial\'s runtime starts more', async () => {
    const tutorial = await perInvocation(['bash', path.join(TUTORIAL, 'bootstrap')], 'tcp');
    expect(tutorial.processes).toBeGreaterThan(2);
    expect(tutorial.execs).toBeGreaterThan(1);
  });
});
