/**
 * The identity of a function's execution environment: its stack and logical ID, and a hash of
 * everything the environment is built from (the resource's properties, its code and layer assets).
 * Two reads of a cloud assembly give the same key to a function exactly when its runtime can be reused.
 */
import { createHash } from 'node:crypto';
import { FunctionInfo } from './function-discovery';

const keys = new WeakMap<FunctionInfo, string>();

/** `<stack artifact ID>/<logical ID>#<hash of the code, layers and configuration>`. */
export function environmentKey(fn: FunctionInfo): string {
  let key = keys.get(fn);
  if (key === undefined) {
    const assetOf = (content: FunctionInfo['code']): string => ('asset' in content ? content.asset.path : content.error);
    const hash = createHash('sha256').update(JSON.stringify({
      properties: fn.stack.template.Resources?.[fn.logicalId]?.Properties ?? {},
      code: assetOf(fn.code),
      layers: fn.layers.map((layer) => assetOf(layer.content)),
      versions: fn.versions,
      aliases: fn.aliases,
      region: fn.stack.region,
    })).digest('hex').slice(0, 16);
    key = `${fn.stack.artifactId}/${fn.logicalId}#${hash}`;
    keys.set(fn, key);
  }
  return key;
}
