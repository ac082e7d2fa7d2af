/**
 * Where synth time goes: a V8 CPU profile (node:inspector) of a few synths of one app, with the
 * samples' self time summed by the code they ran in, and the total time spent inside a few
 * functions of interest (asset staging, creation stack traces, token resolution).
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import { buildApp, Variant } from './synth-apps';
import { synthOnce } from './synth-scaling';

const RUNS = 5;
const SAMPLING_INTERVAL_US = 500;

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface SynthProfile {
  readonly label: string;
  readonly functions: number;
  readonly runs: number;
  readonly totalMs: number;
  /** Self time by where the code lives. */
  readonly byArea: Share[];
  /** Total (inclusive) time inside each function of interest. */
  readonly inside: Share[];
}

type Frame = ProfileNode['callFrame'];

const OUR_AREA = 'cdk-custom-runtime (lib/)';

/** Code whose inclusive time the report shows. */
const OF_INTEREST: ReadonlyArray<{ readonly name: string; readonly test: (frame: Frame) => boolean }> = [
  { name: 'asset fingerprinting and staging (AssetStaging)', test: (frame) => frame.functionName === 'AssetStaging' },
  { name: 'creation stack traces for construct metadata (captureStackTrace)', test: (frame) => frame.functionName === 'captureStackTrace' },
  { name: 'token resolution (resolve)', test: (frame) => frame.functionName === 'resolve' },
];

export async function profileSynth(workDir: string, variant: Variant, functions: number): Promise<SynthProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    for (let run = 0; run < RUNS; run++) {
      const outdir = path.join(workDir, `profile-${variant.key}-${run}`);
      try {
        synthOnce(outdir, (app) => buildApp(app, variant, functions), false);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
    const { profile } = await session.post('Profiler.stop') as unknown as { profile: CpuProfile };
    return summarizeProfile(profile, `${variant.label}, ${functions} functions in one stack`, functions);
  } finally {
    session.disconnect();
  }
}

/**
 * Sums the samples taken inside `synthOnce` (and the garbage collector's), leaving out the
 * profiler's own work (starting, stopping and serializing the profile).
 */
function summarizeProfile(profile: CpuProfile, label: string, functions: number): SynthProfile {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));

  const areas = new Map<string, number>();
  // Inclusive time of the functions of interest: a subtree counts once, for its outermost match.
  const inside = new Map<string, number>();
  let totalMs = 0;
  const visit = (id: number, inSynth: boolean, active: ReadonlySet<string>): void => {
    const node = byId.get(id)!;
    const counted = inSynth || node.callFrame.functionName === 'synthOnce' || node.callFrame.functionName === '(garbage collector)';
    const here = new Set(active);
    OF_INTEREST.filter((interest) => interest.test(node.callFrame)).forEach((interest) => here.add(interest.name));
    const ms = selfMs.get(id) ?? 0;
    if (counted && ms > 0) {
      totalMs += ms;
      const area = areaOf(node.callFrame);
      areas.set(area, (areas.get(area) ?? 0) + ms);
      here.forEach((name) => inside.set(name, (inside.get(name) ?? 0) + ms));
    }
    (node.children ?? []).forEach((child) => visit(child, counted, here));
  };
  const children = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  profile.nodes.filter((node) => !children.has(node.id)).forEach((root) => visit(root.id, false, new Set()));

  const shares = (entries: Iterable<[string, number]>): Share[] => [...entries]
    .map(([name, ms]) => ({ name, ms: ms / RUNS, percent: (100 * ms) / totalMs }))
    .sort((a, b) => b.ms - a.ms);
  return {
    label,
    functions,
    runs: RUNS,
    totalMs: totalMs / RUNS,
    byArea: shares(areas),
    inside: OF_INTEREST.map((interest) => interest.name).map((name) => shares([[name, inside.get(name) ?? 0]])[0]),
  };
}

/** A readable name for where a frame's code lives. */
function areaOf(frame: Frame): string {
  const { url, functionName } = frame;
  if (url === '') {
    return functionName.startsWith('(') ? `V8 ${functionName}` : 'V8 / native';
  }
  if (url.startsWith('node:')) {
    return 'Node.js built-ins (fs, crypto, path, ...)';
  }
  const cdk = /\/node_modules\/aws-cdk-lib\/(?!node_modules\/)([^/]+)\//.exec(url);
  if (cdk) {
    return cdk[1] === 'core' ? 'aws-cdk-lib core (construct tree, tokens, synthesis)' : `aws-cdk-lib ${cdk[1]}`;
  }
  if (url.includes('/node_modules/aws-cdk-lib/')) {
    return 'aws-cdk-lib, other (jsii deprecation checks, bundled packages)';
  }
  if (url.includes('/node_modules/constructs/')) {
    return 'constructs';
  }
  if (url.includes('/node_modules/')) {
    return `other packages (${/\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]} ...)`;
  }
  if (/\/lib\/[^/]+\.js$|\/lib\/private\//.test(url)) {
    return OUR_AREA;
  }
  return 'the benchmark itself';
}
