import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/load-config.js';
import { chatCommand } from './commands/chat.js';

/** Loads config once for every command; a bad value stops with every bad variable named. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`parley: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function buildProgram(): Command {
  const program = new Command('parley')
    .description('parley: an AI participant for chat threads, with an ACS-compatible chat backend')
    .showHelpAfterError()
    .exitOverride();
  program
    .command('chat')
    .description('run the chat backend alone (ACS Chat + Identity REST API)')
    .action(() => chatCommand(configOrExit()));
  program
    .command('up')
    .description('run everything in one process (for now: the chat backend)')
    .action(() => chatCommand(configOrExit()));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    process.stderr.write(`parley: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
