#!/usr/bin/env node
// Makes the go.mod jsii-pacmak generates match what the npm package promises.
// Usage: node scripts/go-module.js <go module dir>
//
// jsii-pacmak writes the versions of whatever npm installed here into go.mod: aws-cdk-lib at the dev version (2.257.0)
// although the peer range starts lower, and "// indirect" lines for aws-cdk-lib's own dependencies at the versions npm
// deduplicated to (cloud-assembly-schema 53.28.0, which has no Go release: `go mod tidy` fails with 403/404). Go's minimum
// version selection takes a requirement as a floor, so every Go user would be forced up to the dev versions, or fail.
// This keeps jsii-runtime-go and requires each peer at the lowest version of its peer range; aws-cdk-go's own go.mod
// brings the right indirect versions.
const fs = require('fs');
const path = require('path');

/** The Go module of each peer dependency. */
const GO_MODULES = {
  'aws-cdk-lib': 'github.com/aws/aws-cdk-go/awscdk/v2',
  'constructs': 'github.com/aws/constructs-go/constructs/v10',
};

const goMod = path.join(process.argv[2], 'go.mod');
const { peerDependencies } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

const lines = fs.readFileSync(goMod, 'utf8').split('\n').filter(line => !line.endsWith('// indirect'));
for (const [npmName, module] of Object.entries(GO_MODULES)) {
  const minimum = /^\^(\d+\.\d+\.\d+)$/.exec(peerDependencies[npmName] ?? '');
  const index = lines.findIndex(line => line.trim().startsWith(`${module} v`));
  if (!minimum || index < 0) {
    console.error(`go-module: expected a "^x.y.z" peer dependency on ${npmName} and ${module} in ${goMod}`);
    process.exit(1);
  }
  lines[index] = `\t${module} v${minimum[1]}`;
}
fs.writeFileSync(goMod, lines.join('\n'));
console.log(fs.readFileSync(goMod, 'utf8'));
