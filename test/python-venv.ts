/**
 * Python test tools (cfn-lint, Checkov, the AWS CLI, aws-cdk-lib for Python) live in virtual environments
 * under `.venv/`, created on first use from a pinned requirements file by `scripts/venv.sh`.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

/**
 * The bin directory of the virtual environment `name`, installed from `requirements` (relative to the project root).
 * The first call installs it (minutes); later calls return at once.
 */
export function pythonVenv(name: string, requirements: string): string {
  return execFileSync('bash', [path.join(ROOT, 'scripts', 'venv.sh'), name, path.join(ROOT, requirements)], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
