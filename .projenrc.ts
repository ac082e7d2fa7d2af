import { awscdk, javascript, DependencyType } from 'projen';

/**
 * Lowest aws-cdk-lib this library supports (the peer range starts here).
 * `CustomRuntimeFunctionProps` extends `lambda.FunctionOptions`, and the Python, Java, .NET and Go bindings copy its
 * properties from the dev version: 2.235.0 is the first release whose `FunctionOptions` has the same properties with
 * the same types. `test:min-cdk` checks that, type-checks and runs the construct tests against it. See README "Compatibility".
 */
const MIN_CDK_VERSION = '2.235.0';
/** The aws-cdk-lib we build and test with (integ-runner 2.197.10 reads its cloud assembly schema). */
const DEV_CDK_VERSION = '2.257.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-custom-runtime',
  description: 'A production-ready AWS Lambda function on the custom provided.al2023 runtime: shell runtime layer, versions and alias, DLQ, async settings, least-privilege permissions, X-Ray, and a local runner.',
  author: 'cdk-custom-runtime maintainers',
  authorAddress: 'maintainers@cdk-custom-runtime.dev',
  repositoryUrl: 'https://github.com/cdk-custom-runtime/cdk-custom-runtime.git',
  keywords: ['cdk', 'aws-lambda', 'custom-runtime', 'provided.al2023', 'bash', 'shell', 'lambda-layer'],
  license: 'Apache-2.0',
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'bench', 'scripts'], tsconfigPath: './tsconfig.dev.json', projectService: false },

  cdkVersion: MIN_CDK_VERSION,
  jsiiVersion: '~6.0.0',
  constructsVersion: '10.5.1',
  // The dev dependencies below pin what we build with; the peer range stays at the minimum.
  peerDependencyOptions: { pinnedDevDependency: false },

  bin: { 'cdk-custom-runtime': 'lib/runner/cli.js' },

  devDeps: [
    'cdk-nag@2.38.2',
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-sdk/client-lambda',
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
  ],

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 120_000,
    },
  },

  publishToPypi: {
    distName: 'cdk-custom-runtime',
    module: 'cdk_custom_runtime',
  },
  publishToMaven: {
    javaPackage: 'dev.cdkcustomruntime',
    mavenGroupId: 'dev.cdk-custom-runtime',
    mavenArtifactId: 'cdk-custom-runtime',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkCustomRuntime',
    packageId: 'CdkCustomRuntime',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-custom-runtime/cdk-custom-runtime-go',
  },

  gitignore: ['cdk.out', '/examples/cdk.out', '/.local-runner/', '/bench/.work/', '.tmp/', '.jsii.tabl.json', '/.venv/'],
  npmignoreEnabled: true,
});

// Build and test against a newer aws-cdk-lib than the peer minimum.
project.deps.addDependency(`aws-cdk-lib@${DEV_CDK_VERSION}`, DependencyType.BUILD);
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);

project.tsconfigDev.addInclude('.projenrc.ts');

// No import cycles in src/ (test/source-imports.test.ts checks type imports too), and private modules
// take nothing but types from the public ones, which import them.
project.eslint?.addRules({ 'import/no-cycle': ['error'] });
project.eslint?.addOverride({
  files: ['src/private/**/*.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [{
        group: ['../*', '!../private', '!../private/**'],
        allowTypeImports: true,
        message: 'A private module may import a public module for its types only (`import type`): the public modules import the private ones.',
      }],
    }],
  },
});

// Built assets inside integ-test snapshots are re-created by every synth.
project.gitignore.exclude('test/*.snapshot/asset.*');
// What Maven builds of the Java bindings app.
project.gitignore.exclude('test/bindings/java/target/');

// The shell runtime ships in the npm package, outside src/.
project.npmignore?.addPatterns('!/runtime/', '/examples/', '/bench/', '/.ci/', '/.tmp/', '/scripts/', '/rosetta/', '/.local-runner/', '.jsii.tabl.json', '/.venv/');

// ---------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------
const shellcheck = project.addTask('shellcheck', {
  description: 'Lint the shell runtime, handlers and scripts with shellcheck (Debian package `shellcheck`).',
  exec: 'bash scripts/shellcheck.sh',
});

const bindings = project.addTask('bindings', {
  description: 'Generate Python, Java, .NET and Go bindings (code only: the registries are not reachable here).',
  steps: [{ exec: 'rm -rf .tmp/bindings && jsii-pacmak --code-only --outdir .tmp/bindings --target python --target java --target dotnet --target go' },
    { exec: 'node scripts/check-bindings.js .tmp/bindings' }],
});

// The Python wheel and sdist, the Java jar (as a Maven repository) and the Go module, for real, into dist/; the apps in
// test/bindings/ use them. Not projen's package-all, whose .NET step needs NuGet. jsii-pacmak's Maven builds use the
// user's local repository, so plugins and aws-cdk-lib are downloaded once per machine, not once per build; its Go build
// would fail on the go.mod it generates, which scripts/go-module.js corrects (the Go app then compiles the module).
const packageBindings = project.addTask('package:bindings', {
  description: 'Build the Python, Java and Go packages into dist/ with jsii-pacmak (after compile), for test/bindings/.',
  steps: [
    { exec: 'jsii-pacmak --target python --target java --maven-local-repository "$HOME/.m2/repository"' },
    { exec: 'jsii-pacmak --code-only --target go' },
    { exec: 'node scripts/go-module.js dist/go/cdkcustomruntime' },
  ],
});

const rosetta = project.addTask('rosetta', {
  description: 'Compile every README example with jsii-rosetta in strict mode.',
  exec: 'jsii-rosetta extract --strict --fail .jsii',
});

const integ = project.addTask('integ', {
  description: 'Verify the committed integ-test snapshots without deploying (fails on drift).',
  exec: 'integ-runner --directory test --language typescript --parallel-regions us-east-1',
});
project.addTask('integ:update', {
  description: 'Re-synthesize the integ-test snapshots without deploying.',
  exec: 'integ-runner --directory test --language typescript --parallel-regions us-east-1 --dry-run --update-on-failed --force',
});

project.addTask('demo', {
  description: 'Synthesize examples/ and invoke its function through the local runner.',
  steps: [{ spawn: 'compile' }, { exec: 'node scripts/demo.js' }],
});

project.addTask('bench', {
  description: 'Run the benchmarks and write bench/RESULTS.md.',
  steps: [{ spawn: 'compile' }, { exec: 'ts-node --project tsconfig.dev.json bench/run.ts' }],
});

project.addTask('bench:fit', {
  description: 'Measure how many functions fit in one stack and rewrite that section of bench/RESULTS.md.',
  steps: [{ spawn: 'compile' }, { exec: 'ts-node --project tsconfig.dev.json bench/fit.ts' }],
});

const minCdk = project.addTask('test:min-cdk', {
  description: 'Type-check and run the construct tests against the lowest aws-cdk-lib of the peer range.',
  exec: 'node scripts/test-min-cdk.js',
});

project.addTask('test:all', {
  description: 'The whole test suite, as CI runs it (the Python, Java and Go packages included; .NET is generated only).',
  steps: [
    { spawn: 'default' },
    { spawn: 'compile' },
    { spawn: 'docgen' },
    { spawn: shellcheck.name },
    { spawn: packageBindings.name },
    { spawn: 'test' },
    { spawn: minCdk.name },
    { spawn: rosetta.name },
    { spawn: bindings.name },
    { spawn: integ.name },
    { exec: 'bash scripts/check-api-md.sh' },
  ],
});

project.synth();
