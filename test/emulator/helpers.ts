import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** The contract suite's workflows module. */
export const workflowsPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workflows/index.ts');

/** The two worker modes every workflow test runs in. */
export const cacheModes = [
  { name: 'worker cache on', maxCachedWorkflows: undefined },
  { name: 'maxCachedWorkflows 0 (full replay each task)', maxCachedWorkflows: 0 },
] as const;

/** A unique id for one test's workflow. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Event type names (`WORKFLOW_TASK_FAILED` style) of a workflow's history. */
export async function eventTypes(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => eventTypeName(e.eventType));
}

/** The attribute fields of history events that the contract tests read. */
export interface EventAttributes {
  initiatedEventId?: number;
  externalInitiatedEventId?: number;
  cause?: string;
  signalName?: string;
  workflowExecution?: { workflowId?: string };
  externalWorkflowExecution?: { workflowId?: string };
}

/** A workflow's history events: id, type (`TIMER_FIRED` style) and attributes (enums as names, int64 as numbers). */
export async function eventsOf(
  handle: WorkflowHandle,
): Promise<{ id: number; type: string; attributes: EventAttributes }[]> {
  const history = temporal.api.history.v1.History.fromObject(await handle.fetchHistory());
  const { events = [] } = temporal.api.history.v1.History.toObject(history, {
    enums: String,
    longs: Number,
  }) as {
    events?: Record<string, unknown>[];
  };
  return events.map((event) => {
    const found = Object.entries(event).find(([key]) => key.endsWith('EventAttributes'));
    const attributes = (found?.[1] ?? {}) as EventAttributes;
    return { id: Number(event.eventId), type: eventTypeName(event.eventType), attributes };
  });
}

/** The history event enum (a number in the SDK's decoded protos) as its name without EVENT_TYPE_. */
export function eventTypeName(type: unknown): string {
  return String(typeof type === 'number' ? eventTypeNames[type] : type).replace(/^EVENT_TYPE_/, '');
}

const eventTypeNames = temporal.api.enums.v1.EventType as unknown as Record<number, string>;

/** Polls `fn` until it returns true (visibility on a real server is eventually consistent). */
export async function eventually(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
