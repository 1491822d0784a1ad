import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerApp } from './app.js';
import { registerController } from './controller.js';
import { registerConvert } from './convert.js';
import { registerRender } from './render.js';
import { registerSync } from './sync.js';
import { registerUi } from './ui.js';

/**
 * A command registers its options on the program; its action imports the implementation
 * lazily, so `trueup render` never loads the Kubernetes client.
 */
export type RegisterCommand = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

export const commands: RegisterCommand[] = [
  registerRender,
  registerSync,
  registerController,
  registerApp,
  registerConvert,
  registerUi,
];
