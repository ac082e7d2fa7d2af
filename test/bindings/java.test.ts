import * as path from 'node:path';
import { BINDINGS, differencesFromTypeScript, distFile, run, synthesize, synthesizeTypeScript, Synthesized, SYNTH_TIMEOUT_MS } from './bindings';

const APP_DIR = path.join(BINDINGS, 'java');
const ARTIFACT = path.join('java', 'dev', 'cdk-custom-runtime', 'cdk-custom-runtime', '0.0.0', 'cdk-custom-runtime-0.0.0');

describe('the Java bindings', () => {
  let java: Synthesized;
  let typescript: Synthesized;

  beforeAll(() => {
    const jar = distFile(`${ARTIFACT}.jar`);
    const pom = distFile(`${ARTIFACT}.pom`);
    // Maven never downloads a release twice, so the freshly packaged jar replaces the one in the local repository.
    run('mvn', ['--batch-mode', '--quiet', 'install:install-file', `-Dfile=${jar}`, `-DpomFile=${pom}`], { cwd: APP_DIR });
    java = synthesize('mvn', ['--batch-mode', '--quiet', 'compile', 'exec:java'], APP_DIR);
    typescript = synthesizeTypeScript();
  }, SYNTH_TIMEOUT_MS);

  test('Main.java synthesizes the same template as the TypeScript app', () => {
    expect(differencesFromTypeScript(typescript, java)).toEqual([]);
  });
});
