import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.js';
import { openRuntime, startServer, type Runtime } from '../server.js';
import { AppError } from '../shared/errors.js';
import { closeOnSignals } from '../http/graceful-shutdown.js';
import { webUiBuilt } from '../http/web-ui.js';
import { readPassword } from './prompt.js';
import { runImport } from './import-command.js';
import { backupSqlite, restoreSqlite } from './sqlite-backup.js';

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>, config = loadConfig()): Promise<T> {
  const rt = await openRuntime(config);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

// The same relative path from src/cli (tsx) and dist/cli (the build).
const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('Expected a positive whole number.');
  return n;
};

export function buildCli(): Command {
  const program = new Command('serialtrack')
    .description('Serialtrack: per-unit serial tracking for inventory')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError();

  program
    .command('serve')
    .description('Run the web server (migrates the database first)')
    .action(async () => {
      const { app, runtime } = await startServer(loadConfig());
      const where =
        runtime.database.dialect === 'sqlite'
          ? `SQLite ${path.resolve(runtime.database.file ?? '')}`
          : 'PostgreSQL';
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : runtime.config.port;
      closeOnSignals(app, { deadlineMs: runtime.config.shutdownTimeoutMs });
      console.log(`Serialtrack is running on http://${runtime.config.host}:${port} (database: ${where})`);
      if (!webUiBuilt()) {
        console.log('The web UI is not built, so / explains that: run `npm run build`, then restart.');
      }
      if (await runtime.services.auth.setupNeeded()) {
        console.log(
          'No users yet: open the web UI, or create the first administrator with `npx serialtrack users add admin --admin`.',
        );
      }
    });

  program
    .command('migrate')
    .description('Bring the database schema up to date')
    .action(() => withRuntime(() => Promise.resolve(console.log('Database schema is up to date.'))));

  const users = program.command('users').description('Manage users');
  users
    .command('add')
    .description(
      'Create a user; the password comes from SERIALTRACK_PASSWORD when set, else it is asked for (or read from piped stdin)',
    )
    .argument('<username>')
    .option('--admin', 'give the Administrator role')
    .option('--role <name...>', 'role names to assign', [])
    .option('--display-name <name>')
    .action(async (username: string, opts: { admin?: boolean; role: string[]; displayName?: string }) => {
      const config = loadConfig();
      const password = config.cliPassword ?? (await readPassword(`Password for ${username}:`));
      await withRuntime(async ({ services }) => {
        const roleNames = [...(opts.admin ? ['Administrator'] : []), ...opts.role];
        const roleIds = await Promise.all(roleNames.map((n) => services.users.roleIdByName(n)));
        const needsSetup = await services.auth.setupNeeded();
        const user =
          needsSetup && opts.admin
            ? await services.auth.setupFirstAdmin({ username, displayName: opts.displayName, password })
            : await services.users.createUser({ username, displayName: opts.displayName, password, roleIds });
        console.log(
          `Created user ${user.username} (id ${user.id}) with role(s): ${roleNames.join(', ') || 'none'}.`,
        );
      }, config);
    });

  program
    .command('tokens')
    .description('Manage API tokens')
    .command('create')
    .description('Create an API token for a user; prints it once')
    .requiredOption('--user <username>')
    .requiredOption('--name <name>', 'what the token is for, e.g. "web shop"')
    .action((opts: { user: string; name: string }) =>
      withRuntime(async ({ services }) => {
        const { token } = await services.auth.createTokenForUsername(opts.user, opts.name);
        console.log(token);
      }),
    );

  program
    .command('backup')
    .description('Write a consistent copy of the live SQLite database to FILE (also while the server runs)')
    .argument('<file>')
    .action(async (file: string) => {
      const from = await backupSqlite(loadConfig(), file);
      console.log(`Backed up ${from} to ${file}.`);
    });

  program
    .command('restore')
    .description(
      'Replace the SQLite database with backup FILE (integrity-checked; the server must be stopped)',
    )
    .argument('<file>')
    .action(async (file: string) => {
      const { file: into, replaced } = await restoreSqlite(loadConfig(), file);
      console.log(
        `Restored ${file} into ${into}${replaced ? `; the database it replaced is ${replaced}` : ''}.`,
      );
    });

  program
    .command('serials')
    .description('Work with serial numbers')
    .command('expand')
    .description(
      'Print the exact serials an expression makes (AB01..AB03, SN100 - SN199, 10+3, SN1+, ~), one per line',
    )
    .argument('<expression...>', 'the expression; quote it or pass several words')
    .option('--quantity <n>', 'the number of units expected', positiveInt)
    .option('--item <sku>', "the item whose latest serial '~' continues from")
    .option('--after <serial>', "the serial '~' continues from")
    .action((words: string[], opts: { quantity?: number; item?: string; after?: string }) =>
      withRuntime(async ({ services }) => {
        const itemId = opts.item ? (await services.items.getBySku(opts.item)).id : undefined;
        const { serials } = await services.serialExpressions.expand({
          expression: words.join(' '),
          quantity: opts.quantity,
          itemId,
          after: opts.after,
        });
        for (const s of serials) console.log(s);
      }),
    );

  program
    .command('lookup')
    .description('Find a serial across all items (exact, or --prefix)')
    .argument('<serial>')
    .option('--prefix', 'match serials starting with the value')
    .option('--limit <n>', 'most matches to show', positiveInt, 20)
    .action((serial: string, opts: { prefix?: boolean; limit: number }) =>
      withRuntime(async ({ services }) => {
        const matches = await services.serials.lookup(serial, opts.prefix ? 'prefix' : 'exact', opts.limit);
        if (matches.length === 0) {
          console.log(`No serial ${opts.prefix ? 'starting with' : 'equal to'} "${serial}".`);
          process.exitCode = 1;
          return;
        }
        console.table(
          matches.map((m) => ({
            serial: m.serialNumber,
            sku: m.itemSku,
            item: m.itemName,
            status: m.statusLabel,
            location: m.locationCode,
            id: m.id,
          })),
        );
      }),
    );

  program
    .command('import')
    .description('Import serials from a CSV file: a dry run, then an all-or-nothing commit (Import #N)')
    .argument('<file>', 'CSV, UTF-8 with or without BOM, comma or semicolon separated')
    .option('--item <sku>', 'the item the file is for (otherwise each row names its SKU)')
    .option('--dry-run', 'only check the file and show the report; import nothing')
    .option('--user <username>', 'the user the import is recorded for (needs INV_MANAGE_SERIALS)', 'admin')
    .option('--delimiter <char>', 'comma or semicolon; detected from the header line by default')
    .option('--map <header=field...>', 'map a column, e.g. "Numéro=serialNumber" or "Old=ignore"', [])
    .option('--errors <file>', 'write every error of the dry run to this CSV file')
    .action(
      (
        file: string,
        opts: {
          item?: string;
          dryRun?: boolean;
          user: string;
          delimiter?: string;
          map: string[];
          errors?: string;
        },
      ) =>
        withRuntime(async (rt) => {
          if (opts.delimiter !== undefined && opts.delimiter !== ',' && opts.delimiter !== ';') {
            throw new InvalidArgumentError('--delimiter is "," or ";".');
          }
          process.exitCode = await runImport(rt, file, { ...opts, delimiter: opts.delimiter });
        }),
    );

  return program;
}

try {
  await buildCli().parseAsync(process.argv);
} catch (err) {
  if (err instanceof Error && err.name === 'ExitPromptError') {
    // Ctrl-C at the password prompt
    process.exit(130);
  }
  if (err instanceof AppError) {
    console.error(`Error: ${err.message}`);
    for (const e of err.errors ?? []) console.error(`  ${e.field}: ${e.message}`);
  } else {
    console.error(err instanceof Error ? `Error: ${err.message}` : err);
  }
  process.exitCode = 1;
}
