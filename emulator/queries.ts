import { str } from './proto';
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine';
import { notFound, queryFailed } from './errors';
import type { Msg } from './proto';
import type { Query, Run } from './state';
import { isRunning } from './state';

/**
 * Queries go out as legacy query tasks (PollWorkflowTaskQueueResponse.query) once the run has no
 * workflow task outstanding; after close they are answered by a worker replaying the full history.
 */
export function queryWorkflow(
  engine: Engine,
  run: Run,
  query: Msg,
  onCancel: (listener: () => void) => void,
): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const q: Query = { id: randomUUID(), run, query, dispatched: false, resolve, reject };
    run.queries.push(q);
    onCancel(() => removeQuery(run, q));
    dispatchQueries(engine, run);
  });
}

function removeQuery(run: Run, q: Query): void {
  const i = run.queries.indexOf(q);
  if (i >= 0) run.queries.splice(i, 1);
}

/** Sends pending queries to the task queue when no workflow task is outstanding. */
export function dispatchQueries(engine: Engine, run: Run): void {
  if (isRunning(run) && run.wft) return;
  for (const q of run.queries) {
    if (q.dispatched) continue;
    q.dispatched = true;
    engine.workflowQueues.offer(
      run.ns.name,
      run.taskQueue,
      () => {
        if (!run.queries.includes(q)) return undefined;
        return {
          taskToken: engine.token({ k: 'query', ns: run.ns.name, rid: run.runId, qid: q.id }),
          workflowExecution: { workflowId: run.workflowId, runId: run.runId },
          workflowType: { name: run.workflowType },
          previousStartedEventId: run.previousStartedEventId,
          startedEventId: run.previousStartedEventId,
          attempt: 1,
          history: { events: run.history.slice() },
          query: q.query,
          workflowExecutionTaskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
        };
      },
      () => !run.queries.includes(q),
    );
  }
}

/** RespondQueryTaskCompleted: answers the waiting QueryWorkflow call. */
export function respondQueryTaskCompleted(engine: Engine, req: Msg): Msg {
  const token = engine.parseToken(req.taskToken);
  const run = engine.namespaces.get(str(token.ns))?.runs.get(str(token.rid));
  const q = run?.queries.find((candidate) => candidate.id === token.qid);
  if (!run || !q) throw notFound('query task not found');
  removeQuery(run, q);
  if (req.completedType === 'QUERY_RESULT_TYPE_ANSWERED') q.resolve({ queryResult: req.queryResult });
  else q.reject(queryFailed(str(req.errorMessage ?? 'query failed'), req.failure as Msg | undefined));
  engine.clock.poke();
  return {};
}
