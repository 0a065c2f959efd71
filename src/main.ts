import { GraphQLError } from 'graphql';
import { createUserCommand, UsageError } from './cli/create-user.js';
import { IMPORT_MODEL_USAGE, importModelCommand } from './cli/import-model.js';
import { rotateSigningKeyCommand } from './cli/rotate-signing-key.js';
import { serve } from './cli/serve.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { openMigratedDatabase } from './runtime.js';

const USAGE = `usage: modelgate <command>
  serve                 migrate, then serve (default)
  migrate               apply database migrations and exit
  create-user --email E [--role USER|MAINTAINER|ADMIN] [--tier FREE|PRO|ENTERPRISE] [--display-name N]
                        password from standard input or MODELGATE_USER_PASSWORD
  ${IMPORT_MODEL_USAGE}
  rotate-signing-key    make a new access-token signing key active; the old one keeps verifying
                        until the tokens it signed have expired`;

const print = (line: string) => process.stdout.write(`${line}\n`);

/** CLI entry: one line on stderr and exit code 1 for any expected failure. */
export async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  try {
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel });
    switch (command) {
      case 'serve':
        await serve(config, logger, print);
        return;
      case 'migrate': {
        const { database, applied } = await openMigratedDatabase(config, logger);
        await database.close();
        print(applied.length ? applied.join('\n') : 'already up to date');
        return;
      }
      case 'create-user':
        await createUserCommand(config, logger, rest, print);
        return;
      case 'import-model':
        await importModelCommand(config, logger, rest, print);
        return;
      case 'rotate-signing-key':
        await rotateSigningKeyCommand(config, logger, print);
        return;
      case 'help':
      case '--help':
        print(USAGE);
        return;
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (error) {
    process.exitCode = 1;
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof GraphQLError) {
      process.stderr.write(`modelgate: ${error.message}\n`);
    } else if (error instanceof Error && error.name === 'MigrationError') {
      process.stderr.write(`modelgate: ${error.message}\n`);
    } else {
      process.stderr.write(`modelgate: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
