/**
 * Table 4, synth scaling: ours (with and without alarms) against hand-wired aws-cdk-lib, at 1, 25
 * and 45 functions in one stack and 200 over eight stacks: synth time (median of several runs in
 * this process, the variants interleaved, asset hash cache cleared before each run as in a fresh
 * `cdk synth`), template bytes, resources per function, and the assets in the cloud assembly.
 * Then the most fully featured functions one stack can hold, checked by aws-cdk-lib's own
 * 500-resource limit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { median, msSince } from './stats';
import { buildApp, FunctionOptions, HAND_WIRED, newApp, OURS, OURS_NO_ALARMS, Variant, VARIANTS } from './synth-apps';

/** CloudFormation's limit of resources per stack. */
export const STACK_RESOURCE_LIMIT = 500;

export interface Scenario {
  readonly label: string;
  readonly functions: number;
  readonly stacks: number;
  readonly runs: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { label: '1 function', functions: 1, stacks: 1, runs: 61 }, // ~13 ms each: many runs, or the median is noise
  { label: '25 functions, 1 stack', functions: 25, stacks: 1, runs: 9 },
  { label: '45 functions, 1 stack', functions: 45, stacks: 1, runs: 9 },
  { label: '200 functions, 8 stacks of 25', functions: 200, stacks: 8, runs: 5 },
];

/** What one synthesized cloud assembly holds. */
export interface AssemblyShape {
  readonly templateBytes: number;
  readonly resources: number;
  /** Resources under the functions' own constructs, per function. */
  readonly resourcesPerFunction: number;
  /** The types of one function's resources, with how many of each. */
  readonly functionResourceTypes: Record<string, number>;
  /** Resources a stack has once, whatever its functions: the runtime layer, CDKMetadata. */
  readonly sharedPerStack: number;
  /** Resources in the largest stack. */
  readonly largestStack: number;
  /** Distinct file assets (by hash) over every asset manifest of the assembly, templates left out. */
  readonly assets: number;
  /** Distinct runtime layer assets (S3 keys of the LayerVersions). */
  readonly layerAssets: number;
  readonly layerVersions: number;
}

export interface Timing {
  /** Creating the constructs (asset fingerprinting and staging happen here). */
  readonly constructMs: number;
  /** `app.synth()`: prepare, validate, resolve, write the templates and manifests. */
  readonly synthMs: number;
  readonly totalMs: number;
}

export interface VariantRun {
  readonly variant: Variant;
  readonly timing: Timing;
  readonly shape: AssemblyShape;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly runs: VariantRun[];
}

export interface FitResult {
  readonly label: string;
  readonly perFunction: number;
  readonly sharedPerStack: number;
  /** The largest count by arithmetic: (500 - shared) / per function. */
  readonly computed: number;
  /** aws-cdk-lib synthesized `computed` functions in one stack. */
  readonly fits: boolean;
  /** aws-cdk-lib refused `computed + 1` with its TooManyResourcesInStack error. */
  readonly nextRefused: boolean;
}

export interface SynthScalingResult {
  readonly scenarios: ScenarioResult[];
  readonly fit: FitResult[];
}

export function measureSynthScaling(workDir: string, log: (line: string) => void): SynthScalingResult {
  warmUp(workDir);
  const scenarios = SCENARIOS.map((scenario) => {
    const result = measureScenario(scenario, workDir);
    log(`  ${scenario.label}: ${result.runs.map((r) => `${r.variant.key} ${r.timing.totalMs.toFixed(0)} ms`).join(', ')}`);
    return result;
  });
  const fit = measureFit(workDir);
  log(`  fit in one stack: ${fit.map((f) => `${f.label} ${f.computed}`).join(', ')}`);
  return { scenarios, fit };
}

/**
 * One unmeasured synth of each variant: aws-cdk-lib loads its modules on first use (the alarms'
 * CloudWatch module only for ours), and that one-off cost would otherwise land in the first run.
 */
function warmUp(workDir: string): void {
  for (const variant of VARIANTS) {
    const outdir = path.join(workDir, `warm-up-${variant.key}`);
    try {
      synthOnce(outdir, (app) => buildApp(app, variant, 2, 2));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
}

function measureScenario(scenario: Scenario, workDir: string): ScenarioResult {
  const samples = new Map<Variant, Timing[]>(VARIANTS.map((v) => [v, []]));
  const shapes = new Map<Variant, AssemblyShape>();
  for (let run = 0; run < scenario.runs; run++) {
    // A different variant goes first in each run.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length]);
    for (const variant of order) {
      const outdir = path.join(workDir, `synth-${variant.key}-${scenario.functions}-${run}`);
      try {
        const { timing, assembly } = synthOnce(outdir, (app) => buildApp(app, variant, scenario.functions, scenario.stacks), false);
        samples.get(variant)!.push(timing);
        if (!shapes.has(variant)) {
          shapes.set(variant, shapeOf(assembly, scenario.functions));
        }
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
  }
  return {
    scenario,
    runs: VARIANTS.map((variant) => {
      const timings = samples.get(variant)!;
      return {
        variant,
        shape: shapes.get(variant)!,
        timing: {
          constructMs: median(timings.map((t) => t.constructMs)),
          synthMs: median(timings.map((t) => t.synthMs)),
          totalMs: median(timings.map((t) => t.totalMs)),
        },
      };
    }),
  };
}

/** Builds and synthesizes one app into `outdir`, timed, with an empty asset hash cache. */
export function synthOnce(outdir: string, build: (app: ReturnType<typeof newApp>) => void,
  resourceLimit: boolean = true): { timing: Timing; assembly: cxapi.CloudAssembly } {
  AssetStaging.clearAssetHashCache();
  const started = process.hrtime.bigint();
  const app = newApp(outdir, resourceLimit);
  build(app);
  const constructMs = msSince(started);
  const synthStarted = process.hrtime.bigint();
  const assembly = app.synth();
  const synthMs = msSince(synthStarted);
  return { timing: { constructMs, synthMs, totalMs: constructMs + synthMs }, assembly };
}

function shapeOf(assembly: cxapi.CloudAssembly, functions: number): AssemblyShape {
  let resources = 0;
  let functionResources = 0;
  let largestStack = 0;
  let templateBytes = 0;
  const layerKeys = new Set<string>();
  let layerVersions = 0;
  const types = new Map<string, number>();
  for (const stack of assembly.stacks) {
    templateBytes += fs.statSync(stack.templateFullPath).size;
    const entries = Object.values<{ Type: string; Properties?: { Content?: { S3Key?: string } }; Metadata?: Record<string, string> }>(
      stack.template.Resources ?? {});
    resources += entries.length;
    largestStack = Math.max(largestStack, entries.length);
    // Path metadata tells a function's resources (under `<stack>/FnN/`) from the stack's shared ones.
    const own = entries.filter((r) => /^[^/]+\/Fn\d+\//.test(r.Metadata?.['aws:cdk:path'] ?? ''));
    functionResources += own.length;
    own.forEach((r) => types.set(r.Type, (types.get(r.Type) ?? 0) + 1));
    for (const layer of entries.filter((r) => r.Type === 'AWS::Lambda::LayerVersion')) {
      layerVersions++;
      layerKeys.add(JSON.stringify(layer.Properties?.Content?.S3Key));
    }
  }
  // The asset manifests also list each stack's template as a file asset: those are not counted.
  const assetHashes = new Set<string>();
  for (const artifact of assembly.artifacts) {
    if (artifact instanceof cxapi.AssetManifestArtifact) {
      for (const [hash, asset] of Object.entries(artifact.contents.files ?? {})) {
        if (!asset.source.path?.endsWith('.template.json')) {
          assetHashes.add(hash);
        }
      }
    }
  }
  return {
    templateBytes,
    resources,
    resourcesPerFunction: functionResources / functions,
    functionResourceTypes: Object.fromEntries([...types].map(([type, n]) => [type, n / functions])),
    sharedPerStack: (resources - functionResources) / assembly.stacks.length,
    largestStack,
    assets: assetHashes.size,
    layerAssets: layerKeys.size,
    layerVersions,
  };
}

const FIT_CASES: ReadonlyArray<{ label: string; variant: Variant; options: FunctionOptions }> = [
  { label: 'hand-wired, foundation only (no invoke permission)', variant: HAND_WIRED, options: { invokePermission: false } },
  { label: 'hand-wired + 1 invoke permission', variant: HAND_WIRED, options: {} },
  { label: 'ours, alarms off, no invoke permission', variant: OURS_NO_ALARMS, options: { invokePermission: false } },
  { label: 'ours, alarms off + 1 invoke permission', variant: OURS_NO_ALARMS, options: {} },
  { label: 'ours, alarms on, fully featured (async settings + 1 invoke permission)', variant: OURS, options: {} },
  { label: 'ours, default (code and handler only)', variant: OURS, options: { invokePermission: false, asyncSettings: false } },
  { label: 'ours, default + 1 invoke permission', variant: OURS, options: { asyncSettings: false } },
  { label: 'ours, minimal (alarms and dead-letter queue off)', variant: OURS_NO_ALARMS, options: { invokePermission: false, asyncSettings: false, deadLetterQueue: false } },
];

/**
 * Counts one function's resources and a stack's shared ones, computes the largest count that
 * fits, and lets aws-cdk-lib's own limit check confirm it: that count synthesizes, one more is refused.
 */
export function measureFit(workDir: string): FitResult[] {
  return FIT_CASES.map(({ label, variant, options }) => {
    const one = path.join(workDir, `fit-${variant.key}-1`);
    let shape: AssemblyShape;
    try {
      shape = shapeOf(synthOnce(one, (app) => buildApp(app, variant, 1, 1, options)).assembly, 1);
    } finally {
      fs.rmSync(one, { recursive: true, force: true });
    }
    const computed = Math.floor((STACK_RESOURCE_LIMIT - shape.sharedPerStack) / shape.resourcesPerFunction);
    return {
      label,
      perFunction: shape.resourcesPerFunction,
      sharedPerStack: shape.sharedPerStack,
      computed,
      fits: synthesizes(path.join(workDir, `fit-${variant.key}-n`), variant, computed, options),
      nextRefused: !synthesizes(path.join(workDir, `fit-${variant.key}-n1`), variant, computed + 1, options),
    };
  });
}

/** Whether `count` functions in one stack pass aws-cdk-lib's resource limit; other errors are thrown. */
function synthesizes(outdir: string, variant: Variant, count: number, options: FunctionOptions): boolean {
  try {
    synthOnce(outdir, (app) => buildApp(app, variant, count, 1, options));
    return true;
  } catch (e) {
    // aws-cdk-lib's message, or ours (CustomRuntimeFunction's stack check runs first).
    if (/greater than allowed maximum of 500|more than CloudFormation's limit of 500/.test((e as Error).message)) {
      return false;
    }
    throw e;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function runOf(scenario: ScenarioResult, variant: Variant): VariantRun {
  return scenario.runs.find((run) => run.variant === variant)!;
}

/** Ours with alarms off against hand-wired (which has none): the like-for-like pair, and their synth time ratio. */
export function likeForLike(scenario: ScenarioResult): { ours: VariantRun; hand: VariantRun; ratio: number } {
  const ours = runOf(scenario, OURS_NO_ALARMS);
  const hand = runOf(scenario, HAND_WIRED);
  return { ours, hand, ratio: ours.timing.totalMs / hand.timing.totalMs };
}

/** The fit case whose label starts with `prefix`. */
export function fitOf(fit: FitResult[], prefix: string): FitResult {
  return fit.find((f) => f.label.startsWith(prefix))!;
}
