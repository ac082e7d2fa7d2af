#!/usr/bin/env node
/**
 * `cdk-custom-runtime`: run the functions of a synthesized CDK app on this machine.
 *
 *   cdk-custom-runtime invoke --app cdk.out --function-name MyStack/MyFn --payload '{"a":1}' out.json
 *   cdk-custom-runtime serve --app cdk.out --port 3001
 *   cdk-custom-runtime list --app cdk.out
 *   cdk-custom-runtime event sqs --app cdk.out --function-name MyStack/MyFn > event.json
 *
 * Exit statuses follow the AWS CLI: 0 when the Invoke API call succeeded (a
 * function error included), 254 for an Invoke API error, 252 for a usage
 * error, 255 for anything else.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { InvokeError, LocalRunnerError } from './errors';
import { eventCommand } from './event-command';
import { EXECUTION_OPTIONS, EXECUTION_USAGE, executionOptions } from './execution-options';
import { describe } from './function-discovery';
import { InvokeApiServer } from './invoke-api-server';
import { InvokeRequest, LocalRunner, LocalRunnerOptions } from './local-runner';
import { streamCompletion, streamInvocationType } from './response-stream-api';
import { AssemblyWatcher } from './watch';

const EXIT_SERVICE_ERROR = 254;
const EXIT_USAGE = 252;
const EXIT_OTHER = 255;

type Options = Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean }>;

const STRING = { type: 'string' } as const;
const LIST_OPTIONS: Options = { app: STRING, region: STRING };
const COMMON_OPTIONS: Options = {
  ...LIST_OPTIONS,
  'env': { type: 'string', multiple: true },
  'dlq-dir': STRING,
  'async-retry-delays': STRING,
  'quiet': { type: 'boolean' },
  ...EXECUTION_OPTIONS,
};
const OPTIONS: Record<string, Options> = {
  invoke: {
    ...COMMON_OPTIONS,
    'function-name': STRING,
    'qualifier': STRING,
    'invocation-type': STRING,
    'log-type': STRING,
    'payload': STRING,
    'client-context': STRING,
    'cli-binary-format': STRING,
    'response-stream': { type: 'boolean' },
  },
  serve: { ...COMMON_OPTIONS, port: STRING, watch: { type: 'boolean' } },
  list: LIST_OPTIONS,
  event: {
    ...LIST_OPTIONS,
    'function-name': STRING,
    'source': STRING,
    'count': STRING,
    'body': STRING,
    'path': STRING,
    'check-response': STRING,
    'event': STRING,
    'function-error': { type: 'boolean' },
  },
};

const USAGE = `usage: cdk-custom-runtime <command> [options]

Run the Lambda functions of a synthesized CDK app (a cloud assembly) on this machine.

Commands:
  invoke [options] <outfile>   Invoke a function once, like \`aws lambda invoke\`
  serve [options]              Serve Lambda's Invoke API on 127.0.0.1, runtimes kept warm
  list [options]               List the functions of the cloud assembly and their qualifiers
  event [<source>] [options]   List the event sources wired to a function, or print an event of one:
                               sqs, sns, eventbridge, schedule, function-url, api-rest, api-http

Options of invoke:
  --function-name <name>       Logical ID, construct path, FunctionName or ARN (name:qualifier works);
                               optional when the assembly holds one function
  --qualifier <q>              $LATEST, a version number or an alias name
  --invocation-type <type>     RequestResponse (default), Event or DryRun
  --log-type <type>            None (default) or Tail
  --payload <json>             The event; file://<path> or fileb://<path> reads a file. Default: {}
  --cli-binary-format <f>      raw-in-base64-out (default: --payload is the JSON itself) or base64
  --client-context <base64>    Base64-encoded JSON object passed to the runtime
  --response-stream            InvokeWithResponseStream: the response goes to <outfile> (- for stdout)
                               chunk by chunk as the function streams it; InvokeComplete is printed

Options of serve:
  --port <n>                   Port on 127.0.0.1 (default 3001; 0 picks a free one)
  --watch                      Read the cloud assembly again after each synth; changed functions restart

Options of event:
  --function-name <name>       The function (optional when the assembly holds one)
  --source <id>                Logical ID or construct path of the source, when several of its kind are wired
  --count <n>                  sqs: records in the batch (at most the mapping's batch size; default 1)
  --body <text>                The message, SNS message, EventBridge detail or HTTP body
  --path <path>                HTTP sources: the request path (default: the route, parameters filled in)
  --check-response <outfile>   sqs: how the mapping reads this answer of \`invoke\` to --event <file>
  --function-error             with --check-response: the invocation was a function error

Common options:
  --app <dir>                  The cloud assembly (default: cdk.out)
  --region <region>            Region of environment-agnostic stacks (default: us-east-1)
  --env KEY=VALUE              Set a variable in the function's environment (repeatable)
  --dlq-dir <dir>              Dead-letter queue files (default: <app>/../.local-runner/dlq)
  --async-retry-delays <ms,ms> Delays before the retries of a failed Event invocation (default: 0,0)
  --quiet                      Do not copy the functions' logs to stderr
${EXECUTION_USAGE}
See docs/local-runner.md.
`;

class UsageError extends Error {}

interface Parsed {
  readonly command: string;
  readonly values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  readonly positionals: string[];
}

/**
 * `parseArgs` in its lenient mode (an option's value may start with a dash, as `--payload -1` needs),
 * with the AWS CLI's messages for what it lets through: an unknown option, a missing value, a repeated option.
 */
function parse(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  const options = OPTIONS[command ?? ''];
  if (!options) {
    throw new UsageError(command === undefined ? 'a command is required' : `unknown command: ${command}`);
  }
  const { values, positionals, tokens } = parseArgs({ args: rest, options, strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') {
      continue;
    }
    const option = options[token.name];
    if (!option) {
      throw new UsageError(`Unknown options: ${rest[token.index]}`);
    }
    if (option.type === 'string' && token.value === undefined) {
      throw new UsageError(`argument --${token.name}: expected one argument`);
    }
    if (seen.has(token.name) && !option.multiple) {
      throw new UsageError(`argument --${token.name}: given more than once`);
    }
    seen.add(token.name);
  }
  return { command, values, positionals };
}

function one(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

function runnerOptions(parsed: Parsed, onLog?: (text: string) => void): LocalRunnerOptions {
  const environment: Record<string, string> = {};
  for (const pair of (parsed.values.env ?? []) as string[]) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`argument --env: expected KEY=VALUE, got '${pair}'`);
    }
    environment[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const delays = one(parsed, 'async-retry-delays');
  const asyncRetryDelaysMs = delays === undefined ? undefined : delays.split(',').map((d) => {
    const n = Number(d);
    if (d.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new UsageError(`argument --async-retry-delays: expected milliseconds like 60000,120000, got '${delays}'`);
    }
    return n;
  });
  return {
    region: one(parsed, 'region'),
    dlqDir: one(parsed, 'dlq-dir'),
    environment,
    asyncRetryDelaysMs,
    ...executionOptions(parsed.values, (message) => new UsageError(message)),
    onLog: parsed.values.quiet !== undefined ? undefined : onLog,
    onWarning: (message) => process.stderr.write(`[cdk-custom-runtime] ${message}\n`),
  };
}

/** `--payload`: the JSON itself, or file:// / fileb://; base64-decoded with --cli-binary-format base64. */
function readPayload(parsed: Parsed): Buffer | undefined {
  const value = one(parsed, 'payload');
  if (value === undefined) {
    return undefined;
  }
  let raw: Buffer;
  const file = /^fileb?:\/\/(.*)$/.exec(value);
  if (file) {
    try {
      raw = fs.readFileSync(file[1]);
    } catch (e) {
      throw new UsageError(`Error parsing parameter '--payload': Unable to load paramfile ${value}: ${(e as Error).message}`);
    }
  } else {
    raw = Buffer.from(value, 'utf8');
  }
  const format = one(parsed, 'cli-binary-format') ?? 'raw-in-base64-out';
  if (format === 'base64') {
    const text = raw.toString('utf8').trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      throw new UsageError("Invalid base64 for parameter '--payload' (use --cli-binary-format raw-in-base64-out to pass JSON)");
    }
    return Buffer.from(text, 'base64');
  }
  if (format !== 'raw-in-base64-out') {
    throw new UsageError(`argument --cli-binary-format: Invalid choice '${format}', valid choices are: base64 | raw-in-base64-out`);
  }
  return raw;
}

async function invoke(parsed: Parsed): Promise<number> {
  if (parsed.positionals.length !== 1) {
    throw new UsageError(parsed.positionals.length === 0
      ? 'the following arguments are required: outfile'
      : `Unknown options: ${parsed.positionals.slice(1).join(', ')}`);
  }
  const outfile = parsed.positionals[0];
  const payload = readPayload(parsed);
  const runner = LocalRunner.open(one(parsed, 'app') ?? 'cdk.out', runnerOptions(parsed, (text) => process.stderr.write(text)));
  // The runtimes run in their own process groups, out of reach of the terminal's Ctrl-C: stop them on the way out.
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      process.stderr.write(`[cdk-custom-runtime] ${signal}: stopping\n`);
      void runner.close().then(() => process.exit(status));
    });
  }
  try {
    const request: InvokeRequest = {
      functionName: one(parsed, 'function-name'),
      qualifier: one(parsed, 'qualifier'),
      invocationType: one(parsed, 'invocation-type'),
      logType: one(parsed, 'log-type'),
      clientContext: one(parsed, 'client-context'),
      payload,
    };
    if (parsed.values['response-stream'] === true) {
      process.stdout.write(JSON.stringify(await invokeStreaming(runner, request, outfile), undefined, 4) + '\n');
      return 0;
    }
    const res = await runner.invoke(request);
    fs.writeFileSync(outfile, res.payload);
    // The AWS CLI's order.
    const output: Record<string, unknown> = { StatusCode: res.statusCode };
    if (res.functionError !== undefined) {
      output.FunctionError = res.functionError;
    }
    if (res.logResult !== undefined) {
      output.LogResult = res.logResult;
    }
    if (res.executedVersion !== undefined) {
      output.ExecutedVersion = res.executedVersion;
    }
    process.stdout.write(JSON.stringify(output, undefined, 4) + '\n');
    // An Event invocation is queued: stay until its attempts (and retries) are over, so the DLQ file can be read.
    await runner.waitForAsync();
    return 0;
  } finally {
    await runner.close();
  }
}

/**
 * `invoke --response-stream`: each chunk is written to `outfile` (`-`: stdout) as it arrives; returns what the
 * caller of InvokeWithResponseStream learns: the status, the version, and `InvokeComplete`.
 */
async function invokeStreaming(runner: LocalRunner, request: InvokeRequest, outfile: string): Promise<Record<string, unknown>> {
  const fd = outfile === '-' ? undefined : fs.openSync(outfile, 'w');
  const write = (chunk: Buffer): void => {
    if (fd === undefined) {
      process.stdout.write(chunk);
    } else {
      fs.writeSync(fd, chunk);
    }
  };
  try {
    const res = await runner.invoke({ ...request, invocationType: streamInvocationType(request.invocationType), onResponseChunk: write });
    const { rest, complete } = streamCompletion(res);
    if (rest) {
      write(rest);
    }
    return { StatusCode: res.statusCode, ExecutedVersion: res.executedVersion, InvokeComplete: complete };
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
  }
}

async function serve(parsed: Parsed): Promise<number> {
  if (parsed.positionals.length > 0) {
    throw new UsageError(`Unknown options: ${parsed.positionals.join(', ')}`);
  }
  const portText = one(parsed, 'port') ?? '3001';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`argument --port: expected a port number, got '${portText}'`);
  }
  const runner = LocalRunner.open(one(parsed, 'app') ?? 'cdk.out', runnerOptions(parsed, (text) => process.stderr.write(text)));
  let server: InvokeApiServer;
  try {
    server = await InvokeApiServer.start(runner, { port });
  } catch (e) {
    await runner.close();
    throw new LocalRunnerError(`Cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
  process.stdout.write(`Invoke API listening on ${server.url}\n`);
  for (const fn of runner.assembly.functions) {
    process.stdout.write(`  ${fn.functionName}  (${describe(fn)})\n`);
  }
  process.stdout.write(`Try: aws lambda invoke --endpoint-url ${server.url} --no-sign-request --function-name <name> out.json   (Ctrl-C to stop)\n`);
  const watcher = parsed.values.watch === true ? watch(runner) : undefined;
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      watcher?.close();
      process.stderr.write(`[cdk-custom-runtime] ${signal}: stopping\n`);
      void server.close().then(() => runner.close()).then(() => resolve(0));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** `serve --watch`: reloads after each synth, and says what changed or why the new assembly cannot be used. */
function watch(runner: LocalRunner): AssemblyWatcher {
  process.stdout.write(`Watching ${runner.assembly.directory} for changes\n`);
  return new AssemblyWatcher(runner.assembly.directory, {
    reload: () => runner.reload(),
    onReload: (changed) => process.stdout.write(changed.length === 0
      ? 'Reloaded the cloud assembly: no function changed\n'
      : `Reloaded the cloud assembly: ${changed.join(', ')} changed (next invocations run the new code)\n`),
    onError: (e) => process.stderr.write(`[cdk-custom-runtime] The cloud assembly changed but cannot be read; still serving the previous one: ${e.message}\n`),
  });
}

function list(parsed: Parsed): number {
  const runner = LocalRunner.open(one(parsed, 'app') ?? 'cdk.out', { region: one(parsed, 'region') });
  const rows = runner.assembly.functions.map((fn) => ({
    LogicalId: fn.logicalId,
    ConstructPath: describe(fn),
    FunctionName: fn.functionName,
    Runtime: fn.runtime,
    Handler: fn.handler,
    Qualifiers: ['$LATEST', ...fn.versions.map((v) => v.number), ...fn.aliases.map((a) => a.name)],
  }));
  void runner.close();
  process.stdout.write(JSON.stringify({ Functions: rows }, undefined, 4) + '\n');
  return 0;
}

function event(parsed: Parsed): number {
  if (parsed.positionals.length > 1) {
    throw new UsageError(`Unknown options: ${parsed.positionals.slice(1).join(', ')}`);
  }
  const count = one(parsed, 'count');
  process.stdout.write(eventCommand({
    app: one(parsed, 'app') ?? 'cdk.out',
    region: one(parsed, 'region'),
    functionName: one(parsed, 'function-name'),
    kind: parsed.positionals[0],
    source: one(parsed, 'source'),
    count: count === undefined ? undefined : Number(count),
    body: one(parsed, 'body'),
    path: one(parsed, 'path'),
    checkResponse: one(parsed, 'check-response'),
    eventFile: one(parsed, 'event'),
    functionError: parsed.values['function-error'] === true,
  }));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(USAGE);
    return argv.length === 0 ? EXIT_USAGE : 0;
  }
  try {
    const parsed = parse(argv);
    switch (parsed.command) {
      case 'invoke':
        return await invoke(parsed);
      case 'serve':
        return await serve(parsed);
      case 'event':
        return event(parsed);
      default:
        return list(parsed);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${USAGE}\ncdk-custom-runtime: error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof InvokeError) {
      process.stderr.write(`\nAn error occurred (${e.errorType}) when calling the Invoke operation: ${e.message}\n`);
      return EXIT_SERVICE_ERROR;
    }
    process.stderr.write(`\ncdk-custom-runtime: ${e instanceof LocalRunnerError ? e.message : (e as Error).stack ?? String(e)}\n`);
    return EXIT_OTHER;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
