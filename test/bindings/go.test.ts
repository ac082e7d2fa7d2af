import * as fs from 'node:fs';
import * as path from 'node:path';
import { BINDINGS, ROOT, differencesFromTypeScript, distFile, synthesize, synthesizeTypeScript, Synthesized, SYNTH_TIMEOUT_MS } from './bindings';

const APP_DIR = path.join(BINDINGS, 'go');

describe('the Go bindings', () => {
  let go: Synthesized;
  let typescript: Synthesized;

  beforeAll(() => {
    distFile('go', 'cdkcustomruntime', 'go.mod'); // the app's go.mod replaces the module with this directory
    go = synthesize('go', ['run', '.'], APP_DIR);
    typescript = synthesizeTypeScript();
  }, SYNTH_TIMEOUT_MS);

  test('main.go synthesizes the same template as the TypeScript app', () => {
    expect(differencesFromTypeScript(typescript, go)).toEqual([]);
  });

  test('the Go module requires aws-cdk-lib at the lowest version of the peer range, as the npm package does', () => {
    const goMod = fs.readFileSync(distFile('go', 'cdkcustomruntime', 'go.mod'), 'utf8');
    const { peerDependencies } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(goMod).toContain(`github.com/aws/aws-cdk-go/awscdk/v2 v${peerDependencies['aws-cdk-lib'].replace('^', '')}\n`);
    expect(goMod).not.toContain('// indirect');
  });
});
