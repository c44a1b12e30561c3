/**
 * Matching: task queues where tasks wait for pollers and pollers wait for tasks (long poll).
 * A task is a thunk that builds the poll response at dispatch time, or returns undefined when it
 * went stale (its run closed, it was already dispatched); stale tasks are skipped.
 */
export type TaskThunk<T> = (identity: string) => T | undefined;

interface Poller<T> {
  identity: string;
  resolve(task: T | undefined): void;
}

interface QueuedTask<T> {
  thunk: TaskThunk<T>;
  isStale: () => boolean;
}

/** Above this many queued tasks, stale ones are dropped on the next offer (queues nobody polls any more). */
const pruneAbove = 256;

class Queue<T> {
  tasks: QueuedTask<T>[] = [];
  readonly pollers: Poller<T>[] = [];
}

/** Options for one long poll. */
export interface PollOptions {
  identity: string;
  timeoutMs: number;
  /** Resolves the poll empty when the caller goes away. */
  onCancel(listener: () => void): void;
}

/** Task queues of one kind (workflow or activity) across namespaces. */
export class TaskQueues<T> {
  private readonly queues = new Map<string, Queue<T>>();

  private queue(namespace: string, name: string): Queue<T> {
    const key = `${namespace}\u0000${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue<T>();
      this.queues.set(key, queue);
    }
    return queue;
  }

  /**
   * Queues a task, handing it to a waiting poller at once when there is one. `isStale` tells, without side
   * effects, whether the task can be dropped (e.g. on a dead worker's sticky queue).
   */
  offer(namespace: string, name: string, thunk: TaskThunk<T>, isStale: () => boolean = () => false): void {
    const queue = this.queue(namespace, name);
    const poller = queue.pollers.shift();
    if (!poller) {
      if (queue.tasks.length >= pruneAbove) queue.tasks = queue.tasks.filter((task) => !task.isStale());
      queue.tasks.push({ thunk, isStale });
      return;
    }
    const task = thunk(poller.identity);
    if (task === undefined) queue.pollers.unshift(poller);
    else poller.resolve(task);
  }

  /** Long-polls for a task; resolves undefined on timeout, cancellation or shutdown. */
  poll(namespace: string, name: string, options: PollOptions): Promise<T | undefined> {
    const queue = this.queue(namespace, name);
    while (queue.tasks.length > 0) {
      const task = queue.tasks.shift()!.thunk(options.identity);
      if (task !== undefined) return Promise.resolve(task);
    }
    return new Promise((resolve) => {
      const poller: Poller<T> = {
        identity: options.identity,
        resolve: (task) => {
          clearTimeout(timer);
          resolve(task);
        },
      };
      const leave = () => {
        const i = queue.pollers.indexOf(poller);
        if (i >= 0) queue.pollers.splice(i, 1);
        poller.resolve(undefined);
      };
      const timer = setTimeout(leave, options.timeoutMs);
      options.onCancel(leave);
      queue.pollers.push(poller);
    });
  }

  /** Whether any task is queued and not yet handed out (stale ones included). */
  hasQueued(): boolean {
    for (const queue of this.queues.values()) if (queue.tasks.length > 0) return true;
    return false;
  }

  /** Answers every poll from this identity (or on this queue) empty: the worker is shutting down. */
  release(identity: string, queueName?: string): void {
    for (const [key, queue] of this.queues) {
      const onQueue = queueName !== undefined && key.endsWith(`\u0000${queueName}`);
      for (const poller of [...queue.pollers]) {
        if (poller.identity === identity || onQueue) {
          queue.pollers.splice(queue.pollers.indexOf(poller), 1);
          poller.resolve(undefined);
        }
      }
    }
  }

  /** Answers every waiting poll empty. */
  releaseAll(): void {
    for (const queue of this.queues.values())
      for (const poller of queue.pollers.splice(0)) poller.resolve(undefined);
  }
}
