/**
 * Every command the CLI offers, in help order. Each module exports one `register` function that
 * adds its command (with an example in its help) to the program.
 */
import type { Command } from 'commander';
import { registerPreview } from './preview.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [registerPreview];
