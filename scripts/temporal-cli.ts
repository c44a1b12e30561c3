/**
 * `npm run temporal:cli`: finds or installs the real Temporal CLI (see worker/temporal-cli.ts) and prints
 * its absolute path as the last line of output; progress goes to stderr. Exit 1 with one clear line when
 * no CLI can be had.
 */
import { resolveTemporalCli, TemporalCliUnavailableError } from '../worker/temporal-cli';

try {
  const cli = await resolveTemporalCli({ progress: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(`Temporal CLI (${cli.source}): ${cli.version}\n`);
  process.stdout.write(`${cli.path}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `temporal:cli: ${error instanceof TemporalCliUnavailableError ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
