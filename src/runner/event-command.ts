/**
 * `cdk-custom-runtime event [<source>]`: the event sources wired to a function, a
 * realistic event of one of them (to pipe into `invoke`), or, for SQS, how the
 * mapping reads the function's answer to that event.
 */
import * as fs from 'node:fs';
import { CloudAssembly } from './cloud-assembly';
import { LocalRunnerError } from './errors';
import { eventSourcesOf, findEventSource } from './event-sources';
import { describe } from './function-discovery';
import { sampleEvent } from './sample-events';
import { sqsBatchOutcome } from './sqs-batch-response';

export interface EventCommandOptions {
  readonly app: string;
  readonly region?: string;
  readonly functionName?: string;
  /** `sqs`, `sns`, ...; without it, the wired sources are listed. */
  readonly kind?: string;
  /** Logical ID or construct path of the source, when several of its kind are wired. */
  readonly source?: string;
  readonly count?: number;
  readonly body?: string;
  readonly path?: string;
  /** SQS: read this `invoke` outfile as the answer to the event in `eventFile`. */
  readonly checkResponse?: string;
  readonly eventFile?: string;
  /** With `checkResponse`: the invocation was a function error. */
  readonly functionError?: boolean;
}

/** What the command prints (JSON). @throws LocalRunnerError for a source that is not wired, or bad options */
export function eventCommand(options: EventCommandOptions): string {
  const assembly = CloudAssembly.load(options.app, { region: options.region });
  const { fn } = assembly.findFunction(options.functionName);
  if (options.kind === undefined) {
    const sources = eventSourcesOf(fn).map((s) => ({ Source: s.kind, Path: s.path, LogicalId: s.logicalId, ...capitalized(s.details) }));
    return JSON.stringify({ Function: describe(fn), Sources: sources }, undefined, 4) + '\n';
  }
  try {
    const source = findEventSource(fn, options.kind, options.source);
    if (options.checkResponse !== undefined) {
      if (source.kind !== 'sqs' || options.eventFile === undefined) {
        throw new Error('--check-response reads an SQS batch answer: give `event sqs --check-response <outfile> --event <event file>`');
      }
      const outcome = sqsBatchOutcome(JSON.parse(fs.readFileSync(options.eventFile, 'utf8')), fs.readFileSync(options.checkResponse),
        options.functionError === true, source.details.reportBatchItemFailures === true);
      return JSON.stringify({ Deleted: outcome.deleted, ReturnedToQueue: outcome.returned, Reason: outcome.reason }, undefined, 4) + '\n';
    }
    return JSON.stringify(sampleEvent(fn, source, { count: options.count, body: options.body, path: options.path }), undefined, 2) + '\n';
  } catch (e) {
    throw e instanceof LocalRunnerError ? e : new LocalRunnerError((e as Error).message);
  }
}

function capitalized(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined).map(([k, v]) => [k[0].toUpperCase() + k.slice(1), v]));
}
