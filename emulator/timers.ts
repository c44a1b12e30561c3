import type { CompletionContext } from './commands';
import { appendEvent } from './history';
import { secondsToMs, type Msg, type Seconds, str } from './proto';
import type { Timer } from './state';
import { addExternalEvent } from './workflow-tasks';

/** StartTimer: TimerStarted now, TimerFired when the (virtual) clock reaches it. */
export function startTimer(ctx: CompletionContext, attrs: Msg): void {
  const { engine, run } = ctx;
  const timerId = str(attrs.timerId);
  const started = appendEvent(run, engine.now(), 'EVENT_TYPE_TIMER_STARTED', {
    timerId,
    startToFireTimeout: attrs.startToFireTimeout,
    workflowTaskCompletedEventId: ctx.completedEventId,
  });
  const timer: Timer = {
    timerId,
    startedEventId: started.eventId,
    cancelled: false,
    handle: engine.clock.scheduleIn(secondsToMs(attrs.startToFireTimeout as Seconds), () => {
      addExternalEvent(engine, run, () => {
        if (timer.cancelled) return;
        run.timers.delete(timerId);
        appendEvent(run, engine.now(), 'EVENT_TYPE_TIMER_FIRED', {
          timerId,
          startedEventId: timer.startedEventId,
        });
      });
    }),
  };
  run.timers.set(timerId, timer);
}

/** CancelTimer: TimerCanceled, also when the fire is still held back behind the task being completed. */
export function cancelTimer(ctx: CompletionContext, timerId: string): void {
  const { engine, run } = ctx;
  const timer = run.timers.get(timerId);
  if (!timer) return;
  timer.cancelled = true;
  timer.handle.cancel();
  run.timers.delete(timerId);
  appendEvent(run, engine.now(), 'EVENT_TYPE_TIMER_CANCELED', {
    timerId,
    startedEventId: timer.startedEventId,
    workflowTaskCompletedEventId: ctx.completedEventId,
    identity: ctx.identity,
  });
}
