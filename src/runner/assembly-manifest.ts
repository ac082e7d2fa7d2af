/**
 * The first step of the data path: a cloud assembly's `manifest.json`, nested
 * assemblies (stages) included, read into the stacks it deploys, each with its
 * template, environment and construct paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ArtifactManifest, ArtifactMetadataEntryType, ArtifactType, AssemblyManifest,
  AwsCloudFormationStackProperties, MetadataEntry, NestedCloudAssemblyProperties,
} from 'aws-cdk-lib/cloud-assembly-schema';
import { LocalRunnerError } from './errors';

/** Region used in ARNs and `AWS_REGION` when neither the stack nor the caller sets one. */
export const DEFAULT_REGION = 'us-east-1';
/** Account used in ARNs when the stack is environment-agnostic. */
export const DEFAULT_ACCOUNT = '123456789012';

/** A resource of a CloudFormation template (templates have no type in the cloud assembly schema). */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** The parts of a CloudFormation template the runner reads. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>;
}

/** One stack of the assembly (or of a nested assembly, or a nested stack). */
export interface StackInfo {
  /** The artifact ID in `manifest.json`, e.g. `BetaS9E395E0A`. */
  readonly artifactId: string;
  /** The stack's construct path, e.g. `Beta/MyStack`. */
  readonly displayName: string;
  readonly stackName: string;
  /** Directory the stack's relative asset paths start from. */
  readonly directory: string;
  readonly template: CfnTemplate;
  readonly region: string;
  readonly account: string;
  /** Construct paths by logical ID, from the `aws:cdk:logicalId` metadata (for resources without `aws:cdk:path`). */
  readonly constructPaths: ReadonlyMap<string, string>;
}

export interface CloudAssemblyOptions {
  /** Region for environment-agnostic stacks. @default us-east-1 */
  readonly region?: string;
  /** Account for environment-agnostic stacks. @default 123456789012 */
  readonly account?: string;
}

/** A JSON file of the assembly; a `LocalRunnerError` naming the file when it cannot be read. */
export function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LocalRunnerError(`Cannot read ${file}: ${(e as Error).message}`);
  }
}

/** The stacks of the assembly in `directory` and of its nested assemblies, in manifest order (nested stacks not included). */
export function readAssemblyStacks(directory: string, options: CloudAssemblyOptions): StackInfo[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new LocalRunnerError(`${directory} is not a cloud assembly: ${manifestFile} not found (run \`cdk synth\` first)`);
  }
  const stacks: StackInfo[] = [];
  readAssembly(directory, options, stacks, new Set());
  return stacks;
}

function readAssembly(dir: string, options: CloudAssemblyOptions, out: StackInfo[], seen: Set<string>): void {
  const real = fs.realpathSync(dir);
  if (seen.has(real)) {
    return;
  }
  seen.add(real);
  const manifest: AssemblyManifest = readJson(path.join(dir, 'manifest.json'));
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === ArtifactType.NESTED_CLOUD_ASSEMBLY) {
      const { directoryName } = (artifact.properties ?? {}) as Partial<NestedCloudAssemblyProperties>;
      const nested = typeof directoryName === 'string' ? path.resolve(dir, directoryName) : undefined;
      if (nested !== undefined && fs.existsSync(path.join(nested, 'manifest.json'))) {
        readAssembly(nested, options, out, seen);
      }
    } else if (artifact.type === ArtifactType.AWS_CLOUDFORMATION_STACK) {
      const stack = stackOf(dir, id, artifact, options);
      if (stack) {
        out.push(stack);
      }
    }
  }
}

function stackOf(dir: string, id: string, artifact: ArtifactManifest, options: CloudAssemblyOptions): StackInfo | undefined {
  const props = (artifact.properties ?? {}) as Partial<AwsCloudFormationStackProperties>;
  if (typeof props.templateFile !== 'string') {
    return undefined;
  }
  const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
  return {
    artifactId: id,
    displayName: artifact.displayName ?? id,
    stackName: typeof props.stackName === 'string' ? props.stackName : id,
    directory: dir,
    template: readJson(path.resolve(dir, props.templateFile)),
    region: env && /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(env[2]) ? env[2] : (options.region ?? DEFAULT_REGION),
    account: env && /^\d{12}$/.test(env[1]) ? env[1] : (options.account ?? DEFAULT_ACCOUNT),
    constructPaths: constructPaths(dir, artifact),
  };
}

/** Logical ID to construct path, from the artifact's metadata and its `additionalMetadataFile`. */
function constructPaths(dir: string, artifact: ArtifactManifest): Map<string, string> {
  const paths = new Map<string, string>();
  let metadata: Record<string, MetadataEntry[]> = artifact.metadata ?? {};
  if (artifact.additionalMetadataFile && fs.existsSync(path.join(dir, artifact.additionalMetadataFile))) {
    metadata = { ...metadata, ...readJson(path.join(dir, artifact.additionalMetadataFile)) };
  }
  for (const [p, entries] of Object.entries(metadata)) {
    for (const entry of entries ?? []) {
      if (entry.type === ArtifactMetadataEntryType.LOGICAL_ID && typeof entry.data === 'string') {
        paths.set(entry.data, p.replace(/^\//, ''));
      }
    }
  }
  return paths;
}
