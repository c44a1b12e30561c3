import { spawn, type ChildProcess } from 'node:child_process';
import { commandLine, isZombie } from '../../config/leftover-process';

/**
 * A `sleep <seconds>` child of a parent that never reaps it (`sh` runs it in the background, then becomes
 * `sleep` itself): once the child exits or is killed it stays a zombie until `parent` is killed. Resolves when
 * the child runs `sleep` (or already is a zombie). `ids` runs both as another user (root only).
 */
export async function neglectedChild(
  seconds: number,
  ids: { uid?: number; gid?: number } = {},
): Promise<{ pid: number; parent: ChildProcess }> {
  const parent = spawn('sh', ['-c', `sleep ${seconds} & echo $!; exec sleep ${seconds + 60}`], {
    ...ids,
    stdio: 'pipe',
  });
  const pid = await new Promise<number>((resolve) =>
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  // Until the forked shell has run `exec`, the pid's command line is still the shell's.
  for (let i = 0; i < 100 && !isZombie(pid) && commandLine(pid)?.[0] !== 'sleep'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { pid, parent };
}
