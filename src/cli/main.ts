import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/load-config.js';

// Commands are imported when run: `parley --help` or `parley bot list` need not load the whole server.
const up = () => import('./commands/up.js');
const chat = () => import('./commands/chat.js');
const botRun = () => import('./commands/bot-run.js');
const botAdmin = () => import('./commands/bot-admin.js');
const queueCmds = () => import('./commands/queue.js');
const backfillCmd = () => import('./commands/backfill.js');
const credentialsCmd = () => import('./commands/credentials.js');
const inviteCmd = () => import('./commands/invite.js');
const demoCmd = () => import('./commands/demo.js');

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

const settingsOptions = (cmd: Command, withDefaults: boolean) =>
  cmd
    .option('-l, --languages <codes>', 'target languages, comma-separated ISO 639-1 codes (e.g. es,fr)')
    .addOption(new Option('-m, --mode <mode>', 'what the bot does').choices(['translate', 'analyze', 'both']))
    .addOption(new Option('-a, --analysis <policy>', 'which analyses are posted').choices(['all', 'negative', 'none']))
    .option('--on', 'enable the bot in the thread')
    .option('--off', 'pause the bot in the thread')
    .option('--keep <term>', 'a term never translated (product, person, jargon); repeatable', collect)
    .option('--unkeep <term>', 'remove a keep term; repeatable', collect)
    .option('--term <lang:term=translation>', 'a fixed translation, e.g. es:ticket=incidencia; repeatable', collect)
    .option('--unterm <lang:term>', 'remove a fixed translation, e.g. es:ticket; repeatable', collect)
    .option('--clear-glossary', 'empty the glossary (before any --keep/--term given with it)')
    .option('--formality <register>', 'formal, informal or auto; or per language, e.g. de:informal; repeatable', collect)
    .option('--context <n>', 'earlier messages sent as context with a short message (0-10)')
    .addHelpText('after', withDefaults ? '\nDefaults: mode translate, analysis negative, formality auto, context 3, on.' : '');

/** Commander's way to repeat an option: each use adds to the list. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(): Command {
  const program = new Command('parley')
    .description('parley: an AI participant for chat threads, with an ACS-compatible chat backend.\nConfiguration comes from PARLEY_* and REDIS_URL (see README).')
    .showHelpAfterError()
    // Inherited by every subcommand (commander copies these settings): "(Did you mean add?)".
    .showSuggestionAfterError()
    .exitOverride();
  program.command('up').description('run everything in one process: chat backend, bot listener and workers (npm start)').action(async () => (await up()).upCommand(configOrExit()));
  program.command('chat').description('run the chat backend alone (ACS Chat + Identity REST API, WebSocket, webhooks)').action(async () => (await chat()).chatCommand(configOrExit()));
  program
    .command('credentials')
    .description('print the connection string and the dashboard credentials (secret: the start-up banner only names the file that holds them)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => void (await credentialsCmd()).credentialsCommand(configOrExit(), opts));
  program.command('worker').description('run queue workers only (scale out: any number, any machine)').action(async () => (await botRun()).botRunCommand(configOrExit(), 'worker'));

  // No action of its own: a bare `parley bot` lists the subcommands (a mistyped one gets a "did you
  // mean"), and running the listener is explicitly `parley bot run`.
  const bot = program.command('bot').description('run the bot (`parley bot run`), or manage the threads it is in');
  bot
    .command('run')
    .description('run the bot: real-time listener + queue workers, admin API and dashboard on PARLEY_BOT_PORT')
    .action(async () => (await botRun()).botRunCommand(configOrExit(), 'bot'));
  settingsOptions(bot.command('add <threadId>').description('add the bot to a thread, with its settings'), true).action(async (threadId: string, opts) =>
    (await botAdmin()).botAdd(configOrExit(), threadId, opts),
  );
  settingsOptions(bot.command('config <threadId>').description("change a thread's bot settings"), false).action(async (threadId: string, opts) =>
    (await botAdmin()).botConfig(configOrExit(), threadId, opts),
  );
  bot.command('remove <threadId>').description('remove the bot from a thread').action(async (threadId: string) => (await botAdmin()).botRemove(configOrExit(), threadId));
  bot
    .command('list')
    .description('list the threads the bot is in, with their topics, settings and notes')
    .option('--json', 'print JSON (the admin API shape, with topics)')
    .action(async (opts: { json?: boolean }) => (await botAdmin()).botList(configOrExit(), { json: opts.json }));
  bot
    .command('backfill <threadId>')
    .description("translate a thread's existing history (re-running it is a no-op)")
    .requiredOption('-s, --since <time>', 'ISO 8601 time, or a span back from now: 30m, 2h, 7d')
    .option('--no-wait', 'enqueue and return without waiting for the jobs')
    .action(async (threadId: string, opts: { since: string; wait: boolean }) => {
      const r = await (await backfillCmd()).backfill(configOrExit(), { threadId, since: opts.since, wait: opts.wait });
      if (r.failed > 0 || r.timedOut) process.exitCode = 1;
    });

  program
    .command('invite <threadId>')
    .description('let a person into a thread: prints a link that opens the web chat signed in as them')
    .requiredOption('-n, --name <name>', 'their display name in the thread')
    .option('-r, --reads <codes>', 'languages they read, comma-separated ISO 639-1 codes (e.g. en or en,fr)')
    .action(async (threadId: string, opts: { name: string; reads?: string }) => (await inviteCmd()).inviteCommand(configOrExit(), { threadId, ...opts }));
  program
    .command('demo')
    .description('against a running parley: a thread "parley demo" where Ana (en) and Bruno (es) talk; prints a link per person')
    .action(async () => void (await (await demoCmd()).demoCommand(configOrExit())));

  const queue = program.command('queue').description("inspect and steer the bot's job queue");
  queue
    .command('stats')
    .description('job counts by state, throughput, latency percentiles, model usage')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => void (await (await queueCmds()).queueStats(configOrExit(), { json: opts.json })));
  queue
    .command('retry-failed')
    .description('move every failed job back to the queue')
    .action(async () => void (await (await queueCmds()).queueRetryFailed(configOrExit())));
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
