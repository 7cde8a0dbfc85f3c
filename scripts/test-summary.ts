/**
 * Prints one closing line for the whole suite, "N passed, N failed, N skipped", from the JSON
 * reports of vitest (unit + integration, and the server's tests again on PostgreSQL) and
 * Playwright (end-to-end).
 */
import { existsSync, readFileSync } from 'node:fs';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCounts(file: string): Counts {
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

function playwrightCounts(file: string): Counts {
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
  };
}

const parts: [string, Counts][] = [];
if (existsSync('test-results/unit-results.json'))
  parts.push(['unit', vitestCounts('test-results/unit-results.json')]);
if (existsSync('test-results/server-postgres-results.json'))
  parts.push(['server on PostgreSQL', vitestCounts('test-results/server-postgres-results.json')]);
if (existsSync('test-results/e2e-results.json'))
  parts.push(['e2e', playwrightCounts('test-results/e2e-results.json')]);
const total = parts.reduce(
  (sum, [, c]) => ({
    passed: sum.passed + c.passed,
    failed: sum.failed + c.failed,
    skipped: sum.skipped + c.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
for (const [name, c] of parts)
  console.log(`${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = total.failed > 0 || parts.length === 0 ? 1 : 0;
