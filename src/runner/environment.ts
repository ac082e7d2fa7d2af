/**
 * The environment of a runtime process, built from scratch as Lambda does:
 * nothing of the host's environment leaks in (no AWS credentials, no profile,
 * no HOME), except `PATH`, since the host's programs live where they live.
 */
import { randomBytes } from 'node:crypto';
import { describe, FunctionInfo } from './function-discovery';
import { evaluateString } from './intrinsics';
import { parameterContext } from './stack-context';

/**
 * Keys Lambda reserves: a function cannot set them (CloudFormation refuses them too),
 * so the runner skips them in `Environment.Variables` with a warning.
 */
export const RESERVED_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

export interface EnvironmentSpec {
  readonly fn: FunctionInfo;
  readonly executedVersion: string;
  readonly runtimeApi: string;
  readonly taskRoot: string;
  /** The merged layers (`/opt` in Lambda); also used as `LAMBDA_RUNTIME_DIR` locally. */
  readonly optDir: string;
  /** The host's `PATH`. */
  readonly hostPath: string;
  /** `TMPDIR`, where the runtime's `/tmp` is not its own. @default - not set, as in Lambda */
  readonly tmpDir?: string;
  /** Set last, over the function's own variables (`--env`); reserved keys still win. */
  readonly overrides?: Record<string, string>;
  readonly warn: (message: string) => void;
}

/** The function's own `Environment.Variables` that resolve locally; the others are reported to `warn`. */
export function functionVariables(fn: FunctionInfo, warn: (message: string) => void): Record<string, string> {
  const ctx = parameterContext(fn.stack);
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(fn.environment)) {
    const value = evaluateString(raw, ctx);
    if (value === undefined) {
      warn(`${describe(fn)}: environment variable ${key} is not set locally: its value ${JSON.stringify(raw)} is only known after deployment (give it with --env ${key}=...)`);
    } else if (RESERVED_KEYS.has(key)) {
      warn(`${describe(fn)}: environment variable ${key} is reserved by Lambda and is not set`);
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function buildEnvironment(spec: EnvironmentSpec): Record<string, string> {
  const { fn, executedVersion } = spec;
  const now = new Date();
  const day = `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}`;
  const env: Record<string, string> = {
    // Not reserved: Lambda's values, which a function's own variables may replace.
    LANG: 'en_US.UTF-8',
    // Lambda's PATH is /usr/local/bin:/usr/bin/:/bin:/opt/bin: system programs first, the layers' bin last.
    PATH: [spec.hostPath, `${spec.optDir}/bin`].filter((p) => p !== '').join(':'),
    LD_LIBRARY_PATH: [spec.optDir, `${spec.optDir}/lib`, spec.taskRoot, `${spec.taskRoot}/lib`].join(':'),
    ...(spec.tmpDir === undefined ? {} : { TMPDIR: spec.tmpDir }),
    ...functionVariables(fn, spec.warn),
  };
  for (const [key, value] of Object.entries(spec.overrides ?? {})) {
    if (!RESERVED_KEYS.has(key)) {
      env[key] = value;
    }
  }
  Object.assign(env, {
    AWS_LAMBDA_RUNTIME_API: spec.runtimeApi,
    LAMBDA_TASK_ROOT: spec.taskRoot,
    LAMBDA_RUNTIME_DIR: spec.optDir,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: executedVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${executedVersion}]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: fn.stack.region,
    AWS_DEFAULT_REGION: fn.stack.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime ?? 'provided.al2023'}`,
    TZ: ':UTC',
  });
  if (fn.handler !== undefined) {
    env._HANDLER = fn.handler;
  }
  return env;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
