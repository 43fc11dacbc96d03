// src/api/openapi.json passes Redocly's recommended ruleset (configured in redocly.yaml beside this
// file) with neither errors nor warnings.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { contractDir, openApiPath } from './support/env.mjs';

const run = promisify(execFile);

describe('redocly lint of src/api/openapi.json', () => {
  it('exits 0 with no errors and no warnings', async () => {
    const redocly = join(contractDir, 'node_modules', '.bin', 'redocly');
    const args = ['lint', openApiPath, '--config', join(contractDir, 'redocly.yaml'), '--format', 'json'];
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    let stdout;
    let stderr;
    let exitCode = 0;
    try {
      ({ stdout, stderr } = await run(redocly, args, { cwd: contractDir, env, timeout: 120_000 }));
    } catch (e) {
      if (e.code === 'ENOENT') assert.fail(`${redocly} not found: run \`npm ci\` in ${contractDir}`);
      ({ stdout, stderr } = e);
      exitCode = e.code ?? e.signal;
    }
    let report;
    try {
      report = JSON.parse(stdout);
    } catch {
      assert.fail(`redocly lint exited ${exitCode} without a JSON report:\n${stdout}\n${stderr}`);
    }
    const problems = report.problems.map((p) =>
      `${p.severity} ${p.ruleId} at ${p.location?.[0]?.pointer}: ${p.message}`);
    assert.deepEqual(problems, [], 'redocly reported problems');
    assert.equal(exitCode, 0, 'redocly lint exit status');
    assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 });
  });
});
