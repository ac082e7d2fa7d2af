/**
 * The CLI's options for the execution environment (`invoke` and `serve`):
 * concurrency, freezing, memory limit and file system layout.
 */
import { DEFAULT_MAX_CONCURRENCY } from './concurrency';
import { LayoutKind } from './layout';
import { LocalRunnerOptions } from './local-runner';
import { MemoryLimitKind } from './memory-limit';

/** The options, for `parseArgs`. */
export const EXECUTION_OPTIONS = {
  'max-concurrency': { type: 'string' },
  'no-freeze': { type: 'boolean' },
  'layout': { type: 'string' },
  'memory-limit': { type: 'string' },
} as const;

export const EXECUTION_USAGE = `  --max-concurrency <n>        Concurrent invocations of a function without lower reserved concurrency
                               (default: ${DEFAULT_MAX_CONCURRENCY}); beyond: TooManyRequestsException
  --no-freeze                  Do not freeze (SIGSTOP) runtimes between invocations
  --layout <l>                 lambda (default: /var/task, /opt and a private /tmp in a mount namespace,
                               where the machine allows it) or host (the staged directories)
  --memory-limit <m>           cgroup (default, where the machine allows it), rlimit or none
`;

type ExecutionOptions = Pick<LocalRunnerOptions, 'maxConcurrency' | 'freeze' | 'layout' | 'memoryLimit'>;

/** The runner options of the execution environment, from `parseArgs`'s values. */
export function executionOptions(values: Record<string, unknown>, usageError: (message: string) => Error): ExecutionOptions {
  const value = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] as string : undefined);
  const max = value('max-concurrency');
  const maxConcurrency = max === undefined ? undefined : Number(max);
  if (maxConcurrency !== undefined && (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)) {
    throw usageError(`argument --max-concurrency: expected a whole number of at least 1, got '${max}'`);
  }
  return {
    maxConcurrency,
    freeze: values['no-freeze'] === undefined,
    layout: choice(value, 'layout', LAYOUTS, usageError),
    memoryLimit: choice(value, 'memory-limit', MEMORY_LIMITS, usageError),
  };
}

const LAYOUTS: readonly LayoutKind[] = ['lambda', 'host'];
const MEMORY_LIMITS: readonly MemoryLimitKind[] = ['cgroup', 'rlimit', 'none'];

function choice<T extends string>(
  value: (name: string) => string | undefined, name: string, allowed: readonly T[], usageError: (message: string) => Error,
): T | undefined {
  const given = value(name);
  if (given !== undefined && !(allowed as readonly string[]).includes(given)) {
    throw usageError(`argument --${name}: Invalid choice '${given}', valid choices are: ${allowed.join(' | ')}`);
  }
  return given as T | undefined;
}
