/**
 * A function's layers: each `Layers` entry followed to the
 * `AWS::Lambda::LayerVersion` it names, in the same stack or, through an
 * export, in another stack of the app, and from there to its asset.
 */
import { StackInfo } from './assembly-manifest';
import { AssetOrError, assetOf } from './assets';
import { evaluateString, IntrinsicContext, referencedLogicalId } from './intrinsics';
import { StackContext } from './stack-context';
import { findExport } from './stack-exports';

/** A layer of a function, in the order of the function's `Layers`. */
export interface LayerInfo {
  /** What the function's `Layers` entry says, for messages. */
  readonly description: string;
  readonly content: AssetOrError;
}

/** The layer one `Layers` entry of a function of `stack` refers to. */
export function layerOf(stack: StackInfo, entry: unknown, ctx: IntrinsicContext, allStacks: StackInfo[]): LayerInfo {
  const description = typeof entry === 'string' ? entry : JSON.stringify(entry);
  let owner = stack;
  let target: unknown = entry;
  const imported = (entry as Record<string, unknown> | null)?.['Fn::ImportValue'];
  if (imported !== undefined) {
    // A layer of another stack of the same app: follow the export to its `Ref`.
    const exportName = evaluateString(imported, ctx);
    const exporter = exportName === undefined ? undefined : findExport(allStacks, exportName);
    if (!exporter) {
      return { description, content: { error: `the layer ${description} is imported from an export not found in the cloud assembly` } };
    }
    owner = exporter.stack;
    target = exporter.value;
  }
  const id = referencedLogicalId(target);
  const resource = id === undefined ? undefined : owner.template.Resources?.[id];
  if (resource?.Type === 'AWS::Lambda::LayerVersion') {
    const cdkPath = resource.Metadata?.['aws:cdk:path'];
    return {
      description: typeof cdkPath === 'string' ? cdkPath : owner.constructPaths.get(id!) ?? `${owner.displayName}/${id}`,
      content: assetOf(owner, resource, 'Content', new StackContext(owner)),
    };
  }
  const arn = evaluateString(target, ctx);
  return {
    description,
    content: {
      error: `its layer ${arn ?? description} is not defined in the cloud assembly, so its content cannot be found locally `
        + '(the local runner only uses layers created with lambda.LayerVersion and Code.fromAsset in the same app)',
    },
  };
}
