/** Runs the CLI from source (tests spawn it as a real process: `node --import tsx test/e2e/cli-entry.ts ARGS`). */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
