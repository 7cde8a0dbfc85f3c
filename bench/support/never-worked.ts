/**
 * A bench prints numbers, not pass/fail; but a measurement of nothing (no message relayed, no
 * sign-in accepted) is a broken run, not a slow one. Those are noted here and make the exit code 1.
 */
const problems: string[] = [];

/** Notes `sentence` (a whole sentence saying what never worked) when `worked` is false. */
export function expectWorked(worked: boolean, sentence: string): void {
  if (worked) return;
  problems.push(sentence);
  console.log(`  !! ${sentence}`);
}

/** Repeats what never worked at the end of the output and sets the exit code; true if anything. */
export function reportNeverWorked(): boolean {
  if (problems.length === 0) return false;
  console.error(`\nThe run is incomplete: ${problems.length} measurement(s) never worked:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exitCode = 1;
  return true;
}
