import { Command, CommanderError } from 'commander';
import { errorMessage, isTrueupError } from '../api/errors.js';
import { version } from '../version.js';
import { commands } from './commands/index.js';
import { type CliIO, ExitCode, processIO } from './io.js';

/** Builds the command tree; each command's heavy code is imported only when it runs. */
export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('trueup')
    .description('GitOps reconciliation for Kubernetes: render, diff and sync Kustomize trees from Git')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of commands) register(program, io, setExit);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const code = isTrueupError(err) ? ` [${err.code}]` : '';
    io.stderr(`trueup: ${errorMessage(err)}${code}\n`);
    return isTrueupError(err) ? ExitCode.Failure : ExitCode.Internal;
  }
}
