#!/usr/bin/env node
// Lints the Dockerfile with dockerfile-utils (the validator behind the Docker language server):
// no Docker engine runs here, so this is the check the image build gets before CI.
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';

const text = readFileSync('Dockerfile', 'utf8');
const problems = validate(text, {
  deprecatedMaintainer: 2,
  emptyContinuationLine: 2,
  instructionCasing: 2,
  instructionCmdMultiple: 2,
  instructionEntrypointMultiple: 2,
  instructionHealthcheckMultiple: 2,
  instructionJSONInSingleQuotes: 2,
});
for (const p of problems) console.error(`Dockerfile:${p.range.start.line + 1}: ${p.message}`);
if (problems.length > 0) process.exit(1);
console.log('Dockerfile: OK');
