/**
 * Table 2, cold start: from starting a runtime process to its first `GET /runtime/invocation/next`
 * as the RuntimeApiServer sees it, ours (fast path and curl path) against the tutorial's, interleaved; and, in the same
 * starts, to the first response (an event is queued as soon as the process is started).
 *
 * The moment the server sees the request comes from Node's `http.server.request.start`
 * diagnostics channel, published by the HTTP server as it dispatches a request; no polling.
 */
import * as diagnostics from 'node:diagnostics_channel';
import * as http from 'node:http';
import { OURS, OURS_CURL, orderFor, RuntimeUnderTest, startRuntime, TUTORIAL_RUNTIME } from './runtimes';
import { msSince, summarize, Summary } from './stats';
import { RuntimeApiServer } from '../src/runner/runtime-api-server';

const STARTS = 30;
/** Starts of each runtime before the measured ones (page cache, first exec of bash and curl). */
const WARM_UP_STARTS = 2;
const HANDLER = 'echo.trivial';

export interface ColdStartSide {
  /** Process start to the first `GET /next` seen by the server. */
  readonly toFirstNext: Summary;
  /** Process start to the response of an event queued at start. */
  readonly toFirstResponse: Summary;
}

export interface ColdStartResult {
  readonly starts: number;
  readonly handler: string;
  /** The fast path. */
  readonly ours: ColdStartSide;
  readonly oursCurl: ColdStartSide;
  readonly tutorial: ColdStartSide;
}

const RUNTIMES = [OURS, OURS_CURL, TUTORIAL_RUNTIME];

interface RequestStart {
  readonly request: http.IncomingMessage;
  readonly socket: { readonly localPort?: number };
}

/** hrtime of the first `GET .../invocation/next` per server port. */
const firstNextByPort = new Map<number, bigint>();

function onRequestStart(message: unknown): void {
  const { request, socket } = message as RequestStart;
  const port = socket.localPort;
  if (port !== undefined && request.method === 'GET' && request.url?.endsWith('/invocation/next') && !firstNextByPort.has(port)) {
    firstNextByPort.set(port, process.hrtime.bigint());
  }
}

export async function measureColdStart(log: (line: string) => void): Promise<ColdStartResult> {
  const samples = new Map<RuntimeUnderTest, { next: number[]; response: number[] }>(
    RUNTIMES.map((runtime) => [runtime, { next: [], response: [] }]));
  diagnostics.subscribe('http.server.request.start', onRequestStart);
  try {
    for (let i = 0; i < WARM_UP_STARTS + STARTS; i++) {
      for (const runtime of orderFor(i, RUNTIMES)) {
        const { toNext, toResponse } = await coldStart(runtime);
        if (i >= WARM_UP_STARTS) {
          samples.get(runtime)!.next.push(toNext);
          samples.get(runtime)!.response.push(toResponse);
        }
      }
    }
  } finally {
    diagnostics.unsubscribe('http.server.request.start', onRequestStart);
  }
  const side = (runtime: RuntimeUnderTest): ColdStartSide => ({
    toFirstNext: summarize(samples.get(runtime)!.next),
    toFirstResponse: summarize(samples.get(runtime)!.response),
  });
  const result = { starts: STARTS, handler: HANDLER, ours: side(OURS), oursCurl: side(OURS_CURL), tutorial: side(TUTORIAL_RUNTIME) };
  log(`  to first GET /next, median: ours ${result.ours.toFirstNext.median.toFixed(2)} ms (curl path ${result.oursCurl.toFirstNext.median.toFixed(2)} ms), tutorial ${result.tutorial.toFirstNext.median.toFixed(2)} ms`);
  return result;
}

/** One start on a fresh server: milliseconds to the first long poll and to the first response. */
async function coldStart(runtime: RuntimeUnderTest): Promise<{ toNext: number; toResponse: number }> {
  const server = await RuntimeApiServer.start();
  const port = Number(server.address.split(':')[1]);
  try {
    const started = process.hrtime.bigint();
    const harness = await startRuntime(runtime, HANDLER, server);
    try {
      const answer = await harness.respond('{}');
      const toResponse = msSince(started);
      const firstNext = firstNextByPort.get(port);
      if (firstNext === undefined || answer.trim() !== 'ok') {
        throw new Error(`${runtime.name}: no long poll seen, or unexpected answer ${JSON.stringify(answer)}`);
      }
      return { toNext: Number(firstNext - started) / 1e6, toResponse };
    } finally {
      await harness.stop();
    }
  } finally {
    firstNextByPort.delete(port);
    await server.close();
  }
}
