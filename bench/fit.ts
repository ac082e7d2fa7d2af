/**
 * Table 4's "How many fit in one stack" alone: `npx projen bench:fit` (after `npx projen compile`) measures it
 * and rewrites that section of bench/RESULTS.md, leaving the other tables as they were measured.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIT_HEADING, fitSection } from './report';
import { measureFit } from './synth-scaling';

const RESULTS = path.join(__dirname, 'RESULTS.md');
const WORK_ROOT = path.join(__dirname, '.work');

fs.mkdirSync(WORK_ROOT, { recursive: true });
const workDir = fs.mkdtempSync(path.join(WORK_ROOT, 'fit-'));
try {
  const section = fitSection(measureFit(workDir));
  const results = fs.readFileSync(RESULTS, 'utf8');
  const start = results.indexOf(FIT_HEADING);
  const end = results.indexOf('\n### ', start + FIT_HEADING.length);
  if (start < 0 || end < 0) {
    throw new Error(`${RESULTS} has no "${FIT_HEADING}" section followed by another`);
  }
  fs.writeFileSync(RESULTS, `${results.slice(0, start)}${section}${results.slice(end)}`);
  process.stdout.write(section);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
