import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { InvalidPropertyError } from './errors';

/**
 * Lambda runs `bootstrap` from the root of the function's code or of a layer, and fails every
 * invocation when it is missing or not executable ("Couldn't find valid bootstrap(s)").
 * Refuse such a directory at synth instead.
 */
export function checkBootstrapAtRoot(constructPath: string, property: string, directory: string): void {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new InvalidPropertyError(constructPath, `${property} must be a directory, got ${JSON.stringify(directory)} (not found or not a directory)`);
  }
  const bootstrap = path.join(directory, 'bootstrap');
  const stat = fs.existsSync(bootstrap) ? fs.statSync(bootstrap) : undefined;
  if (!stat?.isFile()) {
    const nested = findNestedBootstrap(directory);
    const hint = nested ? ` (found ${JSON.stringify(nested)}, but Lambda only looks at the root)` : '';
    throw new InvalidPropertyError(constructPath,
      `${property} must hold an executable file named "bootstrap" at its root, got ${JSON.stringify(directory)} without one${hint}`);
  }
  if (!isWorldReadableAndExecutable(stat.mode)) {
    throw new InvalidPropertyError(constructPath,
      `${property}: ${JSON.stringify(bootstrap)} must be readable and executable by everyone (mode ${(stat.mode % 0o1000).toString(8)}; run chmod 755 on it), or Lambda fails every invocation`);
  }
}

/**
 * Lambda runs the bootstrap as a user that neither owns the file nor is in its group, so the
 * "others" permission bits must allow reading and executing (r-x), as in mode 755.
 */
function isWorldReadableAndExecutable(mode: number): boolean {
  const others = mode % 8;
  return others === 5 || others === 7;
}

function findNestedBootstrap(directory: string): string | undefined {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory() && fs.existsSync(path.join(directory, entry.name, 'bootstrap'))) {
      return path.join(entry.name, 'bootstrap');
    }
  }
  return undefined;
}

/**
 * The `bootstrap` at the root of the function's own code, when the code is an asset directory. Lambda runs
 * `/var/task/bootstrap` (the code) before `/opt/bootstrap` (the layers), so that file replaces the runtime layer's.
 * Other code (`Code.fromBucket`, `fromInline`, a zip file, an image) cannot be looked into at synth: `undefined`.
 */
export function bootstrapInCodeDirectory(code: lambda.Code): string | undefined {
  if (!(code instanceof lambda.AssetCode)) { return undefined; }
  const bootstrap = path.join(code.path, 'bootstrap');
  return fs.existsSync(code.path) && fs.statSync(code.path).isDirectory() && fs.existsSync(bootstrap) ? bootstrap : undefined;
}
