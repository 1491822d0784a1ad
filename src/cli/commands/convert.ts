import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

/** `trueup convert FILE...`: Argo CD Applications and ApplicationSets, and Flux GitRepository + Kustomization pairs to trueup Applications. */
export const registerConvert: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('convert')
    .description(
      'print trueup Applications (and ApplicationSets) equivalent to Argo CD Applications and ApplicationSets and Flux GitRepository + Kustomization pairs (warnings on stderr)',
    )
    .argument('<files...>', 'YAML files (several documents each)')
    .option(
      '-n, --namespace <ns>',
      "the Applications' namespace (trueup's controller namespace)",
      'trueup-system',
    )
    .action(async (files: string[], opts: { namespace: string }) => {
      const { convertFiles } = await import('../convert-files.js');
      setExit(await convertFiles(files, opts, io));
    });
};
