// Prints one plain closing line, "Tests: N passed, N failed, N skipped", after the run, so CI
// logs end with a summary any tool can read.
class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryLineReporter;
