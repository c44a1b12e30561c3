import { str } from './proto';
import { requestCancelActivity, scheduleActivity } from './activities';
import type { Engine } from './engine';
import { cancelExternal, closeRun, continueAsNew, signalExternal, startChild } from './executions';
import { appendEvent } from './history';
import type { Msg, Payload } from './proto';
import { mergeSearchAttributes } from './search-attributes';
import type { Run } from './state';
import { cancelTimer, startTimer } from './timers';

/** What a command handler needs while a workflow task completion is applied. */
export interface CompletionContext {
  engine: Engine;
  run: Run;
  /** Id of the WorkflowTaskCompleted event the command events refer to. */
  completedEventId: number;
  identity: string;
  /** Set when a command requires a new workflow task right away (e.g. an activity canceled before it started). */
  newTaskNeeded: boolean;
}

/** `COMMAND_TYPE_START_TIMER` -> `startTimerCommandAttributes`. */
function attributesField(commandType: string): string {
  const words = commandType
    .replace(/^COMMAND_TYPE_/, '')
    .toLowerCase()
    .split('_');
  return (
    words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('') + 'CommandAttributes'
  );
}

/** Applies one command of a workflow task completion, writing its events. */
export function handleCommand(ctx: CompletionContext, command: Msg): void {
  const type = str(command.commandType);
  const attrs = (command[attributesField(type)] ?? {}) as Msg;
  const { engine, run } = ctx;
  const now = engine.now();
  const ref = { workflowTaskCompletedEventId: ctx.completedEventId };
  switch (type) {
    case 'COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK':
      return scheduleActivity(ctx, attrs);
    case 'COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK':
      return requestCancelActivity(ctx, Number(attrs.scheduledEventId));
    case 'COMMAND_TYPE_START_TIMER':
      return startTimer(ctx, attrs);
    case 'COMMAND_TYPE_CANCEL_TIMER':
      return cancelTimer(ctx, str(attrs.timerId));
    case 'COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION':
      return closeRun(engine, run, 'COMPLETED', { result: attrs.result, ...ref });
    case 'COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION':
      return closeRun(engine, run, 'FAILED', {
        failure: attrs.failure,
        retryState: 'RETRY_STATE_RETRY_POLICY_NOT_SET',
        ...ref,
      });
    case 'COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION':
      return closeRun(engine, run, 'CANCELED', { details: attrs.details, ...ref });
    case 'COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION':
      return continueAsNew(ctx, attrs);
    case 'COMMAND_TYPE_RECORD_MARKER':
      appendEvent(run, now, 'EVENT_TYPE_MARKER_RECORDED', { ...attrs, ...ref });
      return;
    case 'COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
      const searchAttributes = attrs.searchAttributes as
        { indexedFields?: Record<string, Payload> } | undefined;
      mergeSearchAttributes(run, searchAttributes?.indexedFields ?? {});
      appendEvent(run, now, 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', { searchAttributes, ...ref });
      return;
    }
    case 'COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES': {
      const upsertedMemo = attrs.upsertedMemo as { fields?: Record<string, Payload> } | undefined;
      for (const [key, payload] of Object.entries(upsertedMemo?.fields ?? {})) {
        if (payload.data && payload.data.length > 0) run.memo[key] = payload;
        else delete run.memo[key];
      }
      appendEvent(run, now, 'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED', { upsertedMemo, ...ref });
      return;
    }
    case 'COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION':
      return startChild(ctx, attrs);
    case 'COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION':
      return signalExternal(ctx, attrs);
    case 'COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION':
      return cancelExternal(ctx, attrs);
    default:
      engine.log.warn(
        { commandType: type, workflowId: run.workflowId },
        'command not supported by the emulator; ignored',
      );
  }
}
