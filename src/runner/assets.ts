/**
 * Asset lookup: the directory or zip file of the assembly behind a function's
 * `Code` or a layer's `Content`, found by the `aws:asset:*` metadata or, for
 * apps synthesized without it, by the hash in the S3 key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetManifest } from 'aws-cdk-lib/cloud-assembly-schema';
import { CfnResource, readJson, StackInfo } from './assembly-manifest';
import { evaluateString, IntrinsicContext } from './intrinsics';

/** A directory or zip file holding a deployment package or layer content. */
export interface AssetLocation {
  /** Absolute path. */
  readonly path: string;
  /** `directory` for an already unpacked asset (the usual case), `zip` for a zip file asset. */
  readonly packaging: 'directory' | 'zip';
}

/** A deployment package that can be found locally, or why not. */
export type AssetOrError = { readonly asset: AssetLocation } | { readonly error: string };

/** The asset behind a function's `Code` or a layer's `Content`. */
export function assetOf(stack: StackInfo, resource: CfnResource, property: 'Code' | 'Content', ctx: IntrinsicContext): AssetOrError {
  const meta = resource.Metadata ?? {};
  const assetPath = meta['aws:asset:path'];
  if (typeof assetPath === 'string' && (meta['aws:asset:property'] ?? property) === property) {
    return located(path.resolve(stack.directory, assetPath));
  }
  const code = (resource.Properties?.[property] ?? {}) as Record<string, unknown>;
  if (code.ZipFile !== undefined) {
    return { error: 'its code is inline (Code.fromInline / ZipFile), which a provided runtime cannot use' };
  }
  if (code.ImageUri !== undefined) {
    return { error: 'it is a container image function, which the local runner does not run' };
  }
  // No asset metadata (synthesized without `aws:cdk:enable-asset-metadata`): find the asset by its S3 key.
  const key = evaluateString(code.S3Key, ctx);
  const hash = key ? /^(?:.*\/)?([0-9a-f]{64})\.(zip|jar)$/.exec(key)?.[1] : undefined;
  if (hash) {
    const found = findAssetByHash(stack, hash);
    if (found) {
      return located(found);
    }
  }
  return { error: `its ${property} is not an asset of this cloud assembly (${JSON.stringify(code)})` };
}

function located(p: string): AssetOrError {
  if (!fs.existsSync(p)) {
    return { error: `its asset ${p} does not exist (synthesize the app again)` };
  }
  return { asset: { path: p, packaging: fs.statSync(p).isDirectory() ? 'directory' : 'zip' } };
}

/** Looks the asset up in the asset manifests next to the stack, then as `asset.<hash>` up to the root assembly. */
function findAssetByHash(stack: StackInfo, hash: string): string | undefined {
  for (const file of fs.readdirSync(stack.directory).filter((f) => f.endsWith('.assets.json'))) {
    const manifest: AssetManifest | undefined = readJson(path.join(stack.directory, file));
    const source = manifest?.files?.[hash]?.source;
    if (typeof source?.path === 'string') {
      return path.resolve(stack.directory, source.path);
    }
  }
  let dir = stack.directory;
  for (let i = 0; i < 4; i++) {
    for (const candidate of [`asset.${hash}`, `asset.${hash}.zip`]) {
      if (fs.existsSync(path.join(dir, candidate))) {
        return path.join(dir, candidate);
      }
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
