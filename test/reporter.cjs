// Mocha's spec reporter plus one plain closing line, `N passed, N failed, N skipped`,
// which CI reads to know how many tests ran.
const Mocha = require('mocha');

class TandemReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      process.stdout.write(`\n${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = TandemReporter;
