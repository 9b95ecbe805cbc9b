/**
 * Entry point of dist/daemon.js and the `tandemd` bin.
 */
import './env';
import type { CliIo } from './cli/command';
import { runCli } from './cli/run';

const io: CliIo = {
  env: process.env,
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

void runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  // Let pending output drain; the daemon's own handles are closed by now.
  setTimeout(() => process.exit(code), 50).unref();
});
