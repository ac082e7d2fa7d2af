import * as fs from 'fs';
import * as path from 'path';
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
  if ((stat.mode & 0o111) === 0) {
    throw new InvalidPropertyError(constructPath,
      `${property}: ${JSON.stringify(bootstrap)} must be executable (mode ${(stat.mode & 0o777).toString(8)}; run chmod 755 on it), or Lambda fails every invocation`);
  }
}

function findNestedBootstrap(directory: string): string | undefined {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory() && fs.existsSync(path.join(directory, entry.name, 'bootstrap'))) {
      return path.join(entry.name, 'bootstrap');
    }
  }
  return undefined;
}
