import type { Msg } from './proto';
import { msToSeconds } from './proto';
import type { HistoryEvent, Run } from './state';

/** `EVENT_TYPE_TIMER_FIRED` -> `timerFiredEventAttributes`. */
export function attributesField(eventType: string): string {
  const words = eventType
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_');
  return (
    words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('') + 'EventAttributes'
  );
}

/** Builds an event with the next id of `run` without appending it. */
export function buildEvent(
  run: Run,
  eventId: number,
  now: number,
  eventType: string,
  attributes: Msg,
): HistoryEvent {
  return {
    eventId,
    eventTime: msToSeconds(now),
    eventType,
    taskId: eventId,
    [attributesField(eventType)]: attributes,
  };
}

/** Appends an event to the run's history and wakes everyone watching it. */
export function appendEvent(run: Run, now: number, eventType: string, attributes: Msg): HistoryEvent {
  const event = buildEvent(run, run.history.length + 1, now, eventType, attributes);
  run.history.push(event);
  notifyWatchers(run);
  return event;
}

/** Wakes history long polls and update waiters. */
export function notifyWatchers(run: Run): void {
  for (const watcher of [...run.watchers]) watcher();
}

/** The attributes object of an event. */
export function attributesOf(event: HistoryEvent): Msg {
  return (event[attributesField(event.eventType)] ?? {}) as Msg;
}

/** Event types that close a run. */
export const closeEventTypes = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
]);

/** Rough serialized size of a history, reported in describe and WorkflowTaskStarted. */
export function historySizeBytes(run: Run): number {
  return run.history.length * 256;
}
