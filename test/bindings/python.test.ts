import * as fs from 'node:fs';
import * as path from 'node:path';
import { BINDINGS, differencesFromTypeScript, distFile, run, STACK, synthesize, synthesizeTypeScript, Synthesized, SYNTH_TIMEOUT_MS } from './bindings';
import { pythonVenv } from '../python-venv';
import { runCli } from '../runner/cli-process';

const APP_DIR = path.join(BINDINGS, 'python');

describe('the Python bindings', () => {
  let python: Synthesized;
  let typescript: Synthesized;

  beforeAll(() => {
    const wheel = distFile('python', 'cdk_custom_runtime-0.0.0-py3-none-any.whl');
    distFile('python', 'cdk_custom_runtime-0.0.0.tar.gz');
    const bin = pythonVenv('bindings', 'test/bindings/python/requirements.txt');
    // The wheel changes with every packaging, the pinned environment does not: install it on top,
    // and let pip check that the environment satisfies what the wheel requires.
    run(path.join(bin, 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '--force-reinstall', wheel], { cwd: APP_DIR });
    run(path.join(bin, 'pip'), ['check', '--disable-pip-version-check'], { cwd: APP_DIR });
    python = synthesize(path.join(bin, 'python'), ['app.py'], APP_DIR);
    typescript = synthesizeTypeScript();
  }, SYNTH_TIMEOUT_MS);

  test('app.py synthesizes the same template as the TypeScript app', () => {
    expect(differencesFromTypeScript(typescript, python)).toEqual([]);
  });

  test('app.py stages the same assets as the TypeScript app', () => {
    const assets = (s: Synthesized) => fs.readdirSync(s.outdir).filter(f => f.startsWith('asset.')).sort();
    expect(assets(python)).toEqual(assets(typescript));
    expect(assets(python)).toHaveLength(3); // the handler, the shell runtime layer and the app's own runtime layer
  });

  test.each([
    ['Default', 'the built-in shell runtime'],
    ['OnOwnRuntime', 'the RuntimeLayer built from a directory'],
  ])('the local runner invokes %s (%s) from the Python cloud assembly through its alias', async (name) => {
    const outfile = path.join(python.outdir, `${name}.response.json`);
    const res = await runCli(['invoke', '--app', python.outdir, '--function-name', `${STACK}/${name}`, '--qualifier', 'live', '--quiet',
      '--payload', '{"synthesizedBy":"python"}', outfile]);
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(res.stdout)).toEqual({ StatusCode: 200, ExecutedVersion: '1' });
    expect(JSON.parse(fs.readFileSync(outfile, 'utf8'))).toEqual({ echo: { synthesizedBy: 'python' } });
  });
});
