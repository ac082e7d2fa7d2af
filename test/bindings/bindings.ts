/**
 * What the bindings tests share: the packages `npx projen package:bindings` built into dist/, running an app
 * written in another language, and comparing its template with the TypeScript app's.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createBindingsApp } from './typescript/app';

export const ROOT = path.join(__dirname, '..', '..');
export const BINDINGS = __dirname;
export const STACK = 'BindingsApp';

/** Synthesizing another language's app builds its dependencies on first use: minutes on a cold machine. */
export const SYNTH_TIMEOUT_MS = 30 * 60_000;

/** A file jsii-pacmak built into dist/; a clear error when the bindings have not been packaged. */
export function distFile(...parts: string[]): string {
  const file = path.join(ROOT, 'dist', ...parts);
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(ROOT, file)} is missing: build the bindings first with \`npx projen package:bindings\` `
      + '(after `npx projen compile`; `npx projen test:all` does both before the tests)');
  }
  return file;
}

/** Runs a program to completion; a failure carries its output. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  try {
    return execFileSync(command, args, {
      cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e: any) {
    throw new Error(`${command} ${args.join(' ')} (in ${path.relative(ROOT, options.cwd) || '.'}) failed with status ${e.status}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** A synthesized cloud assembly and its one stack's template. */
export interface Synthesized {
  readonly outdir: string;
  readonly template: any;
}

function readAssembly(outdir: string): Synthesized {
  return { outdir, template: JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8')) };
}

/** Runs an app the way the CDK CLI does, with `CDK_OUTDIR` set, and reads what it synthesized. */
export function synthesize(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-'));
  run(command, args, { cwd, env: { ...env, CDK_OUTDIR: outdir } });
  return readAssembly(outdir);
}

/** The TypeScript app, synthesized in this process: the reference every other language must match. */
export function synthesizeTypeScript(): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-ts-'));
  createBindingsApp(outdir).synth();
  return readAssembly(outdir);
}

/**
 * The template with what legitimately depends on the machine replaced: asset hashes (64 hex digits, in S3 keys
 * and asset parameters) and the version's logical ID, whose suffix is a hash over the function's properties,
 * asset hash included. Every property of the function itself is still compared.
 */
export function normalise(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template)
    .replace(/[0-9a-f]{64}/g, '[ASSET HASH]')
    .replace(/CurrentVersion[0-9A-Fa-f]{32,40}/g, 'CurrentVersion[VERSION HASH]'));
}

/**
 * Every place where `actual` differs from `expected`, one line each:
 * `Resources.DefaultFunction1234.Properties.MemorySize: expected 256, got 512`.
 */
export function templateDifferences(expected: unknown, actual: unknown, at = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(expected) && isObject(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap(key => templateDifferences(expected[key], actual[key], at ? `${at}.${key}` : key));
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) {
    return [];
  }
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return [`${at}: expected ${show(expected)}, got ${show(actual)}`];
}

/** The differences between another language's template and the TypeScript one, after `normalise`. */
export function differencesFromTypeScript(reference: Synthesized, other: Synthesized): string[] {
  return templateDifferences(normalise(reference.template), normalise(other.template));
}
