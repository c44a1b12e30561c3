import { randomUUID } from 'node:crypto';
import type { CompletionContext } from './commands';
import type { Engine } from './engine';
import { invalidArgument, notFound, ServiceError } from './errors';
import { appendEvent } from './history';
import { packAny, unpackAny, type Msg, str } from './proto';
import { isRunning, type Run, type Update, type WorkflowTask } from './state';
import { scheduleWorkflowTask } from './workflow-tasks';
import { status } from '@grpc/grpc-js';

const stageOrder = ['admitted', 'accepted', 'completed'] as const;

const stageNames: Record<Update['stage'], string> = {
  admitted: 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED',
  accepted: 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED',
  completed: 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED',
};

function notify(update: Update): void {
  for (const waiter of [...update.waiters]) waiter();
}

/** Update request messages for every admitted update, delivered with this workflow task. */
export function pendingUpdateMessages(run: Run, wft: WorkflowTask): Msg[] {
  const messages: Msg[] = [];
  for (const update of run.updates.values()) {
    if (update.stage !== 'admitted') continue;
    wft.deliveredUpdates.push(update.id);
    messages.push({
      id: `${update.id}/request`,
      protocolInstanceId: update.id,
      eventId: wft.startedEventId - 1,
      body: packAny('temporal.api.update.v1.Request', update.request),
    });
  }
  return messages;
}

/** Applies an Acceptance, Rejection or Response message from a workflow task completion. */
export function handleMessage(ctx: CompletionContext, message: Msg): void {
  const { engine, run } = ctx;
  const update = run.updates.get(str(message.protocolInstanceId));
  const body = unpackAny(message.body as Parameters<typeof unpackAny>[0]);
  if (!update || !body) return;
  const now = engine.now();
  if (body.typeName.endsWith('Acceptance')) {
    update.acceptedEventId = appendEvent(run, now, 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED', {
      protocolInstanceId: update.id,
      acceptedRequestMessageId: body.value.acceptedRequestMessageId,
      acceptedRequestSequencingEventId: body.value.acceptedRequestSequencingEventId,
      acceptedRequest: body.value.acceptedRequest ?? update.request,
    }).eventId;
    update.stage = 'accepted';
  } else if (body.typeName.endsWith('Rejection')) {
    update.stage = 'completed';
    update.outcome = { failure: body.value.failure };
    run.updates.delete(update.id);
  } else if (body.typeName.endsWith('Response')) {
    appendEvent(run, now, 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED', {
      meta: body.value.meta,
      acceptedEventId: update.acceptedEventId,
      outcome: body.value.outcome,
    });
    update.stage = 'completed';
    update.outcome = body.value.outcome as Msg;
  }
  notify(update);
}

/** Updates delivered with a task that the worker neither accepted nor rejected are rejected, as the server does. */
export function rejectUnanswered(ctx: CompletionContext, wft: WorkflowTask): void {
  for (const id of wft.deliveredUpdates) {
    const update = ctx.run.updates.get(id);
    if (!update || update.stage !== 'admitted') continue;
    update.stage = 'completed';
    update.outcome = {
      failure: { message: 'Workflow Update is rejected because it was not processed by the worker.' },
    };
    ctx.run.updates.delete(id);
    notify(update);
  }
}

/** Wakes every waiter of a run's unfinished updates: the run closed. */
export function failOpenUpdates(run: Run): void {
  for (const update of run.updates.values()) if (update.stage !== 'completed') notify(update);
}

function reached(update: Update, wanted: string): boolean {
  const want = wanted === 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED' ? 'completed' : 'accepted';
  return stageOrder.indexOf(update.stage) >= stageOrder.indexOf(want);
}

function response(update: Update): Msg {
  return {
    updateRef: {
      workflowExecution: { workflowId: update.run.workflowId, runId: update.run.runId },
      updateId: update.id,
    },
    outcome: update.stage === 'completed' ? update.outcome : undefined,
    stage: stageNames[update.stage],
  };
}

/** Waits until the update reaches the wanted stage, the run closes, or the long poll ends (returning the stage reached). */
function waitFor(
  update: Update,
  wanted: string,
  longPollMs: number,
  onCancel: (listener: () => void) => void,
): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const check = (force: boolean) => {
      if (reached(update, wanted) || force) {
        update.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(response(update));
      } else if (!isRunning(update.run)) {
        update.waiters.delete(waiter);
        clearTimeout(timer);
        reject(notFound('workflow execution already completed'));
      }
    };
    const waiter = () => check(false);
    const timer = setTimeout(() => check(true), longPollMs);
    update.waiters.add(waiter);
    onCancel(() => {
      update.waiters.delete(waiter);
      clearTimeout(timer);
      reject(new ServiceError(status.CANCELLED, 'update wait cancelled'));
    });
    check(false);
  });
}

/** UpdateWorkflowExecution: admits the update (once per update id), delivers it in a workflow task, waits for the stage. */
export function updateWorkflow(
  engine: Engine,
  run: Run,
  req: Msg,
  onCancel: (listener: () => void) => void,
): Promise<Msg> {
  const request = (req.request ?? {}) as Msg;
  const meta = (request.meta ?? {}) as Msg;
  const input = (request.input ?? {}) as Msg;
  if (!input.name) throw invalidArgument('Update name is not set on request.');
  const updateId = str(meta.updateId || randomUUID());
  let update = run.updates.get(updateId);
  if (!update) {
    if (!isRunning(run)) throw notFound('workflow execution already completed');
    update = {
      id: updateId,
      run,
      request: { ...request, meta: { ...meta, updateId } },
      stage: 'admitted',
      acceptedEventId: 0,
      waiters: new Set(),
    };
    run.updates.set(updateId, update);
    if (!run.wft) scheduleWorkflowTask(engine, run, { speculative: true });
  }
  const wanted = str(
    (req.waitPolicy as Msg | undefined)?.lifecycleStage ??
      'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED',
  );
  return waitFor(update, wanted, engine.options.longPollMs, onCancel);
}

/** PollWorkflowExecutionUpdate: waits on an update already admitted. */
export function pollUpdate(
  engine: Engine,
  run: Run,
  updateId: string,
  wanted: string,
  onCancel: (listener: () => void) => void,
): Promise<Msg> {
  const update = run.updates.get(updateId);
  if (!update) throw notFound(`update ${updateId} not found`);
  return waitFor(update, wanted, engine.options.longPollMs, onCancel);
}
