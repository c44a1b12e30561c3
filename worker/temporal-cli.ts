/**
 * Finds the real Temporal CLI (`temporal`, whose `server start-dev` is the Temporal dev server with its UI),
 * or installs it: TEMPORAL_CLI_PATH; a copy installed earlier in the user cache; `temporal` on PATH; the
 * SDK's own download (where the internet is reachable); `go install` of the pinned release; else one error
 * that says what to install.
 */
import { spawn, execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * The release `go install` builds. Releases from v1.6.0 on carry a `replace` directive in their go.mod,
 * which `go install module@version` refuses; v1.5.1 is the newest it accepts (server 1.29.1, UI 2.42.1).
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'user cache' | 'PATH' | 'SDK download' | 'go install';

export interface TemporalCli {
  path: string;
  source: TemporalCliSource;
  /** What `temporal --version` printed. */
  version: string;
}

export interface ResolveTemporalCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines for a person (the `go install` build takes minutes when cold). */
  progress?: (line: string) => void;
  /** False: only look for an installed copy, never download or build. Default true. */
  install?: boolean;
}

/** No Temporal CLI could be found or installed; the message says what to install. */
export class TemporalCliUnavailableError extends Error {
  override name = 'TemporalCliUnavailableError';
}

/** Where installed copies live: `$XDG_CACHE_HOME/orquesta/temporal-cli/<version>/` (shared by every clone). */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME?.trim() || path.join(homedir(), '.cache');
  return path.join(cacheHome, 'orquesta', 'temporal-cli', TEMPORAL_CLI_VERSION);
}

export async function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const progress = options.progress ?? (() => undefined);
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    const version = await cliVersion(explicit);
    if (version === undefined)
      throw new TemporalCliUnavailableError(
        `TEMPORAL_CLI_PATH=${explicit} is not a working Temporal CLI (\`${explicit} --version\` failed)`,
      );
    return { path: path.resolve(explicit), source: 'TEMPORAL_CLI_PATH', version };
  }

  const cacheDir = temporalCliCacheDir(env);
  const cached = path.join(cacheDir, 'temporal');
  const cachedVersion = await cliVersion(cached);
  if (cachedVersion !== undefined) return { path: cached, source: 'user cache', version: cachedVersion };

  const onPath = await findOnPath('temporal', env);
  if (onPath !== undefined) {
    const version = await cliVersion(onPath);
    if (version !== undefined) return { path: onPath, source: 'PATH', version };
  }

  if (options.install === false)
    throw new TemporalCliUnavailableError(
      `no Temporal CLI installed (looked at TEMPORAL_CLI_PATH, ${cached} and PATH); run \`npm run temporal:cli\` to install it`,
    );

  const downloaded = await sdkDownload(cacheDir, progress);
  if (downloaded !== undefined) return downloaded;

  const go = await findGo(env);
  if (go === undefined)
    throw new TemporalCliUnavailableError(
      'no Temporal CLI: the SDK could not download it, and Go is not installed to build it. Install Go 1.22 or later ' +
        `(then \`npm run temporal:cli\` runs \`go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}\`), ` +
        'or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH to it',
    );
  await goInstall(go, cacheDir, env, progress);
  const builtVersion = await cliVersion(cached);
  if (builtVersion === undefined)
    throw new TemporalCliUnavailableError(`go install finished but ${cached} does not run`);
  return { path: cached, source: 'go install', version: builtVersion };
}

/** `<cli> --version`, or undefined when it does not run (missing, not executable, wrong platform). */
function cliVersion(cli: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(cli, ['--version'], { timeout: 15_000 }, (error, stdout) => {
      const line = String(stdout).trim().split('\n')[0] ?? '';
      resolve(error || !/temporal/i.test(line) ? undefined : line);
    });
  });
}

async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function findGo(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const onPath = await findOnPath('go', env);
  if (onPath !== undefined) return onPath;
  const standard = '/usr/local/go/bin/go';
  try {
    await access(standard, constants.X_OK);
    return standard;
  } catch {
    return undefined;
  }
}

/**
 * The SDK downloads the CLI when it starts a dev server with `cached-download`; we start one briefly into
 * our cache folder and keep the binary. Fails fast on machines without internet access.
 */
async function sdkDownload(
  cacheDir: string,
  progress: (line: string) => void,
): Promise<TemporalCli | undefined> {
  const downloadDir = path.join(cacheDir, 'sdk-download');
  await mkdir(downloadDir, { recursive: true });
  progress('asking the Temporal SDK to download the Temporal CLI ...');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'cached-download', downloadDir }, ui: false },
    });
    await env.teardown();
  } catch (error) {
    progress(`  the SDK could not download it: ${firstLine(error)}`);
    return undefined;
  }
  for (const name of await readdir(downloadDir)) {
    const candidate = path.join(downloadDir, name);
    const version = name.startsWith('temporal') ? await cliVersion(candidate) : undefined;
    if (version !== undefined) return { path: candidate, source: 'SDK download', version };
  }
  progress('  the SDK started a dev server but left no CLI binary in its download folder');
  return undefined;
}

/** Builds the pinned release with `go install` into a scratch folder, then moves it into the cache. */
async function goInstall(
  go: string,
  cacheDir: string,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const scratch = await mkdtemp(path.join(cacheDir, 'build-'));
  const target = `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`;
  progress(`building the Temporal CLI: ${go} install ${target}`);
  progress(
    '  a first build downloads ~1.5 GB of Go modules and compiles for about 10 minutes on 2 cores; ' +
      "later builds reuse Go's module and build caches and take seconds",
  );
  const started = Date.now();
  const child = spawn(go, ['install', target], {
    env: { ...env, GOBIN: scratch, CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let downloads = 0;
  const tail: string[] = [];
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      if (line.startsWith('go: downloading')) {
        downloads++;
        if (downloads % 50 === 1) progress(`  ${line.trim()} (module ${downloads})`);
      } else progress(`  ${line.trim()}`);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const heartbeat = setInterval(() => {
    progress(`  still building (${Math.round((Date.now() - started) / 1000)} s so far) ...`);
  }, 20_000);
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => {
    clearInterval(heartbeat);
    clearTimeout(deadline);
  });
  if (code !== 0) {
    await rm(scratch, { recursive: true, force: true });
    throw new TemporalCliUnavailableError(
      `go install ${target} failed (exit ${code ?? 'killed after 30 minutes'}):\n${tail.join('\n')}`,
    );
  }
  await rename(path.join(scratch, 'temporal'), path.join(cacheDir, 'temporal'));
  await rm(scratch, { recursive: true, force: true });
  progress(`  built in ${Math.round((Date.now() - started) / 1000)} s`);
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
