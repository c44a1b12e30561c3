/**
 * Runs `scripts/start.ts` (what `npm start` runs) as a real child process, for tests that start, stop,
 * crash and restart the system as its users would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface OrquestaProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /**
   * Polls `GET /readyz` on `port` until it answers 200; throws with the output after `timeoutMs`. Without
   * `port`, the port the start-up banner names (PORT=0); resolves with the port.
   */
  waitReady(port?: number, timeoutMs?: number): Promise<number>;
  /** The port the API listens on, from the start-up banner's `API:` line (after /readyz turns 200). */
  port(timeoutMs?: number): Promise<number>;
  /** Waits until the output matches `pattern` (the start-up banner comes just after /readyz turns 200). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGINT (Ctrl-C) and the exit code. */
  interrupt(): Promise<number | null>;
  /** SIGKILL to the process and every process below it (Postgres, the Temporal server, ...). */
  killTree(): Promise<void>;
}

/** Starts `scripts/start.ts` with only PATH, HOME and `env` in its environment. */
export function startOrquesta(env: Record<string, string>): OrquestaProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async waitReady(givenPort, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      let gone = false;
      void exited.then(() => (gone = true));
      const port = givenPort ?? (await this.port(timeoutMs));
      while (Date.now() < deadline && !gone) {
        const status = await fetch(`http://127.0.0.1:${port}/readyz`)
          .then((res) => res.status)
          .catch(() => 0);
        if (status === 200) return port;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(
        `Orquesta did not become ready on port ${port}${gone ? ' (it exited)' : ''}:\n${output}`,
      );
    },
    async port(timeoutMs = 120_000) {
      return Number((await this.waitForOutput(/^API: +http:\/\/[^\s]+:(\d+)$/m, timeoutMs))[1]);
    },
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`no ${pattern} in the output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async interrupt() {
      child.kill('SIGINT');
      return exited;
    },
    async killTree() {
      for (const pid of [child.pid!, ...descendants(child.pid!)]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
}

/** Every live process below `root`, read from /proc (Linux). */
export function descendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name before it may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
    } catch {
      // exited while we read
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of parents.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** The local admin API key `npm start` keeps on embedded defaults (the banner names its file). */
export async function adminKeyOf(orquesta: OrquestaProcess): Promise<string> {
  // The banner names the file that holds the local admin API key (the console signs in with staff accounts).
  const file = (await orquesta.waitForOutput(/admin API key for scripts is in (\S+)\)/))[1]!;
  return readFileSync(path.resolve(projectRoot, file), 'utf8').trim();
}
