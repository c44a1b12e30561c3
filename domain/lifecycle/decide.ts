/**
 * The ticket lifecycle as a pure function: `decide(state, event, now, ctx)` returns the new state,
 * the timeline entries and notifications it causes, or a refusal naming the policy rule. The
 * workflow is a thin loop around it; tests and the API use it directly.
 */
import { PRIORITIES, type Metric, type Priority } from '../policy/vocabulary';
import {
  escalationRule,
  infoWaitRule,
  lowerPriority,
  priorityDecayRule,
  raisePriority,
  reopenRule,
  validationRule,
} from '../policy/rules';
import { slaTargets } from '../sla';
import {
  clockInstant,
  isRunning,
  meetClock,
  pauseClock,
  resumeClock,
  retargetClock,
  startClock,
} from './clocks';
import { commonPayload, recipientsOf, type Audience } from './recipients';
import { CLOCK_NOTES } from './version';
import { addTime, type LifecycleContext } from './time';
import type {
  Actor,
  AttachmentRef,
  ClockName,
  ClockState,
  Decision,
  LifecycleRefusal,
  Notification,
  TicketCommand,
  TicketEvent,
  TicketState,
  TimelineEntry,
} from './types';

const DAY_MS = 86_400_000;
/** A closed ticket whose policy sets no reopen window stays reopenable this long, then its workflow ends. */
export const DEFAULT_REOPEN_KEEPALIVE_MS = 90 * DAY_MS;
/** After a resolution becomes final the workflow keeps answering (refusing reopens, with the reason) this long. */
export const FINAL_KEEPALIVE_MS = 30 * DAY_MS;
const SLA_METRICS: readonly Metric[] = ['firstResponse', 'nextUpdate', 'resolution'];
const MAX_TICK_STEPS = 200;

/** Accumulates one decision's state changes, timeline entries and notifications. */
class Step {
  timeline: TimelineEntry[] = [];
  notifications: Notification[] = [];
  done = false;
  constructor(
    public state: TicketState,
    readonly ctx: LifecycleContext,
  ) {}

  set(patch: Partial<TicketState>): void {
    this.state = { ...this.state, ...patch };
  }

  log(type: string, at: number, actor: Actor, data: Record<string, unknown> = {}): number {
    const seq = this.state.seq + 1;
    this.state = { ...this.state, seq, ...(!CLOCK_NOTES.has(type) && { changedSeq: seq }) };
    this.timeline.push({ seq, type, at, actor, data });
    return seq;
  }

  notify(audience: Audience, template: string, data: Record<string, unknown> = {}): void {
    const seq = this.state.seq;
    for (const recipient of recipientsOf(this.state, this.ctx, audience)) {
      this.notifications.push({
        dedupeKey: `ticket:${this.state.number}:${seq}:${template}:${recipient}`,
        template,
        locale: this.state.locale,
        recipient,
        payload: { ...commonPayload(this.state, this.ctx), ...data },
      });
    }
  }

  clock(name: ClockName): ClockState | undefined {
    return this.state.clocks[name];
  }

  setClock(name: ClockName, clock: ClockState | undefined): void {
    const clocks = { ...this.state.clocks };
    if (clock === undefined) delete clocks[name];
    else clocks[name] = clock;
    this.set({ clocks });
  }

  mapClocks(fn: (clock: ClockState) => ClockState): void {
    const clocks: TicketState['clocks'] = {};
    for (const [name, clock] of Object.entries(this.state.clocks) as [ClockName, ClockState][]) {
      clocks[name] = fn(clock);
    }
    this.set({ clocks });
  }

  pauseAll(now: number): void {
    this.mapClocks((c) => pauseClock(c, now, this.ctx, this.state.calendarId, this.state.priority));
  }

  resumeAll(now: number): void {
    this.mapClocks((c) => resumeClock(c, now));
  }

  meet(name: ClockName, now: number): void {
    const c = this.clock(name);
    if (c) this.setClock(name, meetClock(c, now, this.ctx, this.state.calendarId, this.state.priority));
  }

  result(): Decision {
    return {
      accepted: true,
      state: this.state,
      timeline: this.timeline,
      notifications: this.notifications,
      done: this.done,
    };
  }
}

function refuse(rule: string, code: string, es: string, en: string): Decision {
  const refusal: LifecycleRefusal = { rule, code, message: { es, en } };
  return { accepted: false, refusal };
}

function calendarOf(state: TicketState, ctx: LifecycleContext) {
  const calendar = ctx.policy.calendars[state.calendarId];
  if (calendar === undefined)
    throw new Error(`policy ${ctx.policy.id} has no calendar "${state.calendarId}"`);
  return calendar;
}

function maxLevel(ctx: LifecycleContext): number {
  return Math.max(...escalationRule(ctx.policy).levels.map((l) => l.level));
}

function targetFor(state: TicketState, ctx: LifecycleContext, metric: Metric, priority: Priority) {
  return slaTargets(ctx.policy, state.contract.planId, priority, state.type)[metric];
}

/** Starts (or restarts) the next-update clock after a public answer, when the policy has that target. */
function restartNextUpdate(step: Step, now: number): void {
  const target = targetFor(step.state, step.ctx, 'nextUpdate', step.state.priority);
  step.setClock('nextUpdate', target && startClock('nextUpdate', target, now));
}

function closeTicket(step: Step, now: number, actor: Actor, reason: string, auto: boolean): void {
  step.pauseAll(now);
  const rule = reopenRule(step.ctx.policy, calendarOf(step.state, step.ctx));
  const infoRule = auto ? infoWaitRule(step.ctx.policy, calendarOf(step.state, step.ctx)) : undefined;
  const keepOpenForReply = infoRule?.reopenOnReply === true;
  // The info-wait closure's own reopen rule, where the policy sets one; else the general reopen window.
  const infoWindow = keepOpenForReply ? infoRule.reopenWindow : undefined;
  let reopenUntil: number | undefined;
  if (infoWindow !== undefined) {
    reopenUntil =
      infoWindow === 'none'
        ? undefined
        : addTime(step.ctx, step.state.priority, infoWindow.clock, now, infoWindow.ms);
  } else if (rule !== undefined || keepOpenForReply) {
    reopenUntil = rule?.window
      ? addTime(step.ctx, step.state.priority, rule.window.clock, now, rule.window.ms)
      : now + DEFAULT_REOPEN_KEEPALIVE_MS;
  }
  const reopenWithoutLimit = infoWindow === 'none';
  const from = step.state.status;
  step.set({
    status: 'closed',
    closedAt: now,
    closeReason: reason,
    autoClosed: auto,
    reopenUntil,
    infoWait: undefined,
    ...(reopenWithoutLimit && { reopenWithoutLimit }),
  });
  step.log(auto ? 'auto_closed' : 'closed', now, actor, {
    from,
    reason,
    reopenUntil,
    ...(reopenWithoutLimit && { reopenWithoutLimit }),
  });
  step.notify('requester', auto ? 'auto_closed' : 'ticket_closed', {
    reason,
    reopenOnReply: keepOpenForReply,
  });
  if (reopenUntil === undefined && !reopenWithoutLimit) step.done = true;
}

function finalize(step: Step, now: number, actor: Actor, reason: 'confirmed' | 'validation_elapsed'): void {
  const billable =
    validationRule(step.ctx.policy, calendarOf(step.state, step.ctx))?.billableWhenFinal ?? false;
  step.pauseAll(now);
  step.set({
    status: 'closed',
    closedAt: now,
    closeReason: reason,
    final: true,
    billable,
    validationEndsAt: undefined,
    // The workflow stays a while to answer late requests with the reason (the resolution is final).
    reopenUntil: now + FINAL_KEEPALIVE_MS,
  });
  step.log('resolution_final', now, actor, { reason, billable });
  step.notify('requester', 'resolution_final', { billable });
}

function reopenTicket(
  step: Step,
  now: number,
  by: 'customer' | 'agent',
  reason: string,
  requestedBy?: string,
): void {
  const from = step.state.status;
  step.set({
    status: 'open',
    resolvedAt: undefined,
    validationEndsAt: undefined,
    closedAt: undefined,
    closeReason: undefined,
    autoClosed: false,
    reopenUntil: undefined,
    reopenWithoutLimit: undefined,
    infoWait: undefined,
    counters: { ...step.state.counters, reopens: step.state.counters.reopens + 1 },
  });
  const resolution = step.clock('resolution');
  if (resolution) step.setClock('resolution', { ...resolution, metAt: undefined });
  step.resumeAll(now);
  restartNextUpdate(step, now);
  step.log('reopened', now, by, { from, reason, ...(requestedBy !== undefined && { requestedBy }) });
  step.notify('requester', 'ticket_reopened', { reason, by });
}

/** True when `who` (an email or a name) is the ticket's requester. */
function isRequester(state: TicketState, who: string | undefined): boolean {
  const given = who?.trim().toLowerCase();
  if (given === undefined || given === '') return false;
  const { email, name } = state.requester;
  return given === email?.trim().toLowerCase() || given === name?.trim().toLowerCase();
}

/**
 * Why `by` may not reopen the ticket now, or undefined when it may. `requestedBy` is who asks (checked where
 * only the reporting user may ask).
 */
function reopenRefusal(
  state: TicketState,
  ctx: LifecycleContext,
  by: 'customer' | 'agent',
  now: number,
  requestedBy: string | undefined,
) {
  if (state.status !== 'resolved' && state.status !== 'closed') {
    return refuse(
      'reopen',
      'not_reopenable',
      `Solo se puede reabrir un ticket resuelto o cerrado (estado actual: ${state.status}).`,
      `Only a resolved or closed ticket can be reopened (current status: ${state.status}).`,
    );
  }
  if (state.final) {
    return refuse(
      'validation',
      'resolution_final',
      'La solución ya es definitiva: el periodo de validación terminó o el cliente la confirmó.',
      'The resolution is final: the validation window elapsed or the customer confirmed it.',
    );
  }
  const rule = reopenRule(ctx.policy, calendarOf(state, ctx));
  const infoReopen = state.autoClosed && by === 'customer';
  if (!infoReopen && (rule === undefined || !rule.by.includes(by))) {
    return refuse(
      'reopen.by',
      'reopen_not_allowed',
      `La política ${ctx.policy.id} no permite que ${by === 'customer' ? 'el cliente' : 'un agente'} reabra tickets.`,
      `Policy ${ctx.policy.id} does not let ${by === 'customer' ? 'the customer' : 'an agent'} reopen tickets.`,
    );
  }
  if (!infoReopen && rule?.onlyRequester === true && !isRequester(state, requestedBy)) {
    return refuse(
      'reopen.onlyRequester',
      'not_the_requester',
      requestedBy === undefined
        ? `Solo el usuario que reportó el ticket #${state.number} puede pedir que se reabra: indique quién lo pide.`
        : `Solo el usuario que reportó el ticket #${state.number} puede pedir que se reabra; lo pide ${requestedBy}.`,
      requestedBy === undefined
        ? `Only the user who reported ticket #${state.number} may ask to reopen it: say who is asking.`
        : `Only the user who reported ticket #${state.number} may ask to reopen it; ${requestedBy} is asking.`,
    );
  }
  const noLimit = state.reopenWithoutLimit === true && state.autoClosed;
  if (
    state.status === 'closed' &&
    !noLimit &&
    (state.reopenUntil === undefined || now >= state.reopenUntil)
  ) {
    return refuse(
      'reopen.window',
      'reopen_window_elapsed',
      'El plazo para reabrir este ticket ya venció.',
      'The window to reopen this ticket has elapsed.',
    );
  }
  return undefined;
}

function changePriority(
  step: Step,
  now: number,
  to: Priority,
  actor: Actor,
  type: string,
  data: object,
): void {
  const { state, ctx } = step;
  const from = state.priority;
  const clocks: TicketState['clocks'] = {};
  for (const [name, clock] of Object.entries(state.clocks) as [ClockName, ClockState][]) {
    const target = name === 'level1' ? clock.target : (targetFor(state, ctx, name, to) ?? clock.target);
    clocks[name] = retargetClock(clock, target, now, ctx, state.calendarId, from);
  }
  step.set({ priority: to, clocks });
  step.log(type, now, actor, { from, to, ...data });
}

function closedRefusal(state: TicketState, action: { es: string; en: string }): Decision | undefined {
  if (state.status !== 'closed') return undefined;
  return refuse(
    'status',
    'ticket_closed',
    `El ticket #${state.number} está cerrado: no se puede ${action.es}.`,
    `Ticket #${state.number} is closed: cannot ${action.en}.`,
  );
}

/** The `attachments` field of a timeline entry or notification, only when the message carried files. */
function withAttachments(attachments: readonly AttachmentRef[] | undefined): {
  attachments?: readonly AttachmentRef[];
} {
  return attachments !== undefined && attachments.length > 0 ? { attachments } : {};
}

function applyCommand(step: Step, cmd: TicketCommand, now: number): Decision {
  const { ctx } = step;
  const state = step.state;
  switch (cmd.type) {
    case 'customer_reply': {
      // A reply delivered twice (a retried signal under the same Idempotency-Key) is recorded once.
      const seen = `message:${cmd.messageId}`;
      if (state.recentEventIds.includes(seen)) return step.result();
      step.set({ recentEventIds: [...state.recentEventIds, seen].slice(-100) });
      let notifyAssignee = false;
      if (state.status === 'closed' || state.status === 'resolved') {
        const rule = reopenRule(ctx.policy, calendarOf(state, ctx));
        // The information answering an info-wait closure always reopens (as `infoWait.reopenOnReply` says);
        // otherwise, under `reopen.trigger: request`, a reply is not a request to reopen.
        const replyReopens = state.autoClosed || rule?.trigger !== 'request';
        const requestedBy = cmd.from ?? state.requester.email;
        const refusal = replyReopens ? reopenRefusal(state, ctx, 'customer', now, requestedBy) : undefined;
        if (replyReopens && refusal === undefined) {
          reopenTicket(step, now, 'customer', state.autoClosed ? 'information_received' : 'customer_replied');
        } else {
          // Under the new rules (request-only reopens, reporter-only reopens) the assignee hears of it.
          const byRule =
            !replyReopens || (refusal?.accepted === false && refusal.refusal.code === 'not_the_requester');
          notifyAssignee = byRule && !state.final;
        }
      } else if (state.status === 'awaiting_customer') {
        step.set({ status: 'open', infoWait: undefined });
        step.resumeAll(now);
        step.log('info_received', now, 'customer', { from: 'awaiting_customer' });
      }
      step.set({
        lastCustomerActivityAt: now,
        counters: { ...step.state.counters, customerReplies: step.state.counters.customerReplies + 1 },
      });
      step.log('customer_reply', now, 'customer', {
        messageId: cmd.messageId,
        body: cmd.body,
        from: cmd.from,
        ...(notifyAssignee && { reopened: false }),
        ...withAttachments(cmd.attachments),
      });
      if (notifyAssignee) {
        step.notify('assignee', 'customer_reply_received', {
          body: cmd.body,
          from: cmd.from,
          validationEndsAt: iso(state.validationEndsAt),
          ...withAttachments(cmd.attachments),
        });
      }
      return step.result();
    }
    case 'agent_reply': {
      const closed = closedRefusal(state, { es: 'responder', en: 'reply' });
      if (closed) return closed;
      if (cmd.internal) {
        step.set({ counters: { ...state.counters, internalNotes: state.counters.internalNotes + 1 } });
        step.log('internal_note', now, 'agent', {
          messageId: cmd.messageId,
          agent: cmd.agent,
          body: cmd.body,
          ...withAttachments(cmd.attachments),
        });
        return step.result();
      }
      step.set({ counters: { ...state.counters, agentReplies: state.counters.agentReplies + 1 } });
      const firstResponse = step.clock('firstResponse');
      const firstTime = firstResponse !== undefined && firstResponse.metAt === undefined;
      step.meet('firstResponse', now);
      if (state.status === 'open') restartNextUpdate(step, now);
      // `cc` only when given, so a reply from an older history decides exactly as it did (replay-safe).
      const cc = cmd.cc !== undefined && cmd.cc.length > 0 ? { cc: [...cmd.cc] } : {};
      step.log('agent_reply', now, 'agent', {
        messageId: cmd.messageId,
        agent: cmd.agent,
        body: cmd.body,
        firstResponse: firstTime,
        ...cc,
        ...withAttachments(cmd.attachments),
      });
      step.notify('requester', 'agent_reply', {
        body: cmd.body,
        agentName: cmd.agent,
        ...cc,
        ...withAttachments(cmd.attachments),
      });
      return step.result();
    }
    case 'request_info': {
      if (state.status !== 'open') {
        return refuse(
          'infoWait',
          'not_open',
          `Solo se puede pedir información en un ticket abierto (estado actual: ${state.status}).`,
          `Information can only be requested on an open ticket (current status: ${state.status}).`,
        );
      }
      const rule = infoWaitRule(ctx.policy, calendarOf(state, ctx));
      step.meet('firstResponse', now);
      step.setClock('nextUpdate', undefined);
      if (rule?.pausesSla ?? true) step.pauseAll(now);
      step.set({ status: 'awaiting_customer', infoWait: { since: now, attempts: 0 } });
      step.log('info_requested', now, 'agent', { agent: cmd.agent, body: cmd.body, from: 'open' });
      step.notify('requester', 'info_requested', {
        body: cmd.body,
        expiresAt: iso(infoExpiry(step.state, ctx)),
        attemptsTotal: rule?.contactAttempts?.count,
      });
      return step.result();
    }
    case 'resolve': {
      if (state.status === 'closed' || state.status === 'resolved') {
        return refuse(
          'status',
          'not_resolvable',
          `El ticket #${state.number} ya está ${state.status === 'closed' ? 'cerrado' : 'resuelto'}.`,
          `Ticket #${state.number} is already ${state.status}.`,
        );
      }
      step.meet('firstResponse', now);
      step.meet('resolution', now);
      step.pauseAll(now);
      const rule = validationRule(ctx.policy, calendarOf(state, ctx));
      const validationEndsAt = rule && addTime(ctx, state.priority, rule.window.clock, now, rule.window.ms);
      step.set({ status: 'resolved', resolvedAt: now, validationEndsAt, infoWait: undefined });
      step.log('resolved', now, 'agent', {
        agent: cmd.agent,
        solution: cmd.solution,
        from: state.status,
        validationEndsAt,
      });
      const reopenOnRequest = reopenRule(ctx.policy, calendarOf(state, ctx))?.trigger === 'request';
      step.notify('requester', 'ticket_resolved', {
        solution: cmd.solution,
        validationEndsAt: iso(validationEndsAt),
        ...(reopenOnRequest && { reopenOnRequest }),
      });
      return step.result();
    }
    case 'confirm': {
      if (state.status !== 'resolved') {
        return refuse(
          'validation',
          'not_resolved',
          'Solo se puede confirmar una solución entregada (ticket resuelto).',
          'Only a delivered solution (a resolved ticket) can be confirmed.',
        );
      }
      finalize(step, now, 'customer', 'confirmed');
      return step.result();
    }
    case 'reopen': {
      const refusal = reopenRefusal(state, ctx, cmd.by, now, cmd.requestedBy);
      if (refusal) return refusal;
      reopenTicket(step, now, cmd.by, cmd.reason, cmd.requestedBy);
      return step.result();
    }
    case 'escalate': {
      if (state.status === 'closed' || state.status === 'resolved') {
        return refuse(
          'escalation',
          'not_escalable',
          `No se puede escalar un ticket ${state.status === 'closed' ? 'cerrado' : 'resuelto'}.`,
          `A ${state.status} ticket cannot be escalated.`,
        );
      }
      const rule = escalationRule(ctx.policy);
      if (cmd.by === 'customer') {
        if (!rule.customerMayRequest) {
          return refuse(
            'escalation.customerMayRequest',
            'customer_escalation_not_offered',
            `La política ${ctx.policy.id} no contempla escalamientos a petición del cliente.`,
            `Policy ${ctx.policy.id} does not offer escalation on customer request.`,
          );
        }
        if (rule.raisesPriority && rule.raisesLevel === true) {
          return escalatePriorityAndLevel(step, now, cmd.reason);
        }
        if (rule.raisesPriority) {
          const to = raisePriority(state.priority);
          if (to === state.priority) {
            return refuse(
              'escalation.raisesPriority',
              'already_highest_priority',
              'El ticket ya tiene la prioridad más alta.',
              'The ticket already has the highest priority.',
            );
          }
          changePriority(step, now, to, 'customer', 'escalated', { by: 'customer', reason: cmd.reason });
          step.set({
            counters: { ...step.state.counters, escalations: step.state.counters.escalations + 1 },
          });
          step.notify('escalation', 'ticket_escalated', {
            level: state.level,
            reason: cmd.reason,
            by: 'customer',
          });
          return step.result();
        }
      }
      if (state.level >= maxLevel(ctx)) {
        return refuse(
          'escalation.levels',
          'already_top_level',
          `El ticket ya está en el nivel más alto (${state.level}).`,
          `The ticket is already at the highest level (${state.level}).`,
        );
      }
      escalateLevel(step, now, cmd.by, state.level + 1, cmd.reason);
      return step.result();
    }
    case 'complaint': {
      const seen = `complaint:${cmd.complaintId}`;
      if (state.recentEventIds.includes(seen)) return step.result();
      if (recipientsOf(state, ctx, 'complaint').length === 0) {
        return refuse(
          'escalation.matrix',
          'no_complaint_contact',
          `La política ${ctx.policy.id} no nombra a quién dirigir las quejas: nadie en su matriz de escalamiento las recibe.`,
          `Policy ${ctx.policy.id} names nobody to take complaints: no one in its escalation matrix receives them.`,
        );
      }
      step.set({
        recentEventIds: [...state.recentEventIds, seen].slice(-100),
        counters: { ...state.counters, complaints: (state.counters.complaints ?? 0) + 1 },
      });
      step.log('complaint', now, 'customer', {
        complaintId: cmd.complaintId,
        body: cmd.body,
        ...(cmd.from !== undefined && { from: cmd.from }),
        ...(cmd.recordedBy !== undefined && { recordedBy: cmd.recordedBy }),
      });
      step.notify('complaint', 'complaint_received', {
        body: cmd.body,
        by: cmd.from ?? state.requester.name,
      });
      return step.result();
    }
    case 'assign': {
      const closed = closedRefusal(state, { es: 'asignar', en: 'assign' });
      if (closed) return closed;
      if (cmd.assignee === state.assignee) {
        return refuse(
          'assign',
          'unchanged',
          'El ticket ya tiene ese responsable.',
          'The ticket already has that assignee.',
        );
      }
      step.set({ assignee: cmd.assignee });
      step.log('assigned', now, 'agent', { from: state.assignee, to: cmd.assignee, by: cmd.by });
      return step.result();
    }
    case 'change_priority': {
      const closed = closedRefusal(state, { es: 'cambiar la prioridad', en: 'change the priority' });
      if (closed) return closed;
      if (cmd.priority === state.priority) {
        return refuse(
          'priority',
          'unchanged',
          'El ticket ya tiene esa prioridad.',
          'The ticket already has that priority.',
        );
      }
      changePriority(step, now, cmd.priority, 'agent', 'priority_changed', {
        by: cmd.by,
        reason: cmd.reason,
      });
      return step.result();
    }
    case 'close': {
      const closed = closedRefusal(state, { es: 'cerrarlo de nuevo', en: 'close it again' });
      if (closed) return closed;
      closeTicket(step, now, 'agent', cmd.reason, false);
      return step.result();
    }
    case 'integration_event': {
      if (state.recentEventIds.includes(cmd.eventId)) return step.result();
      step.set({ recentEventIds: [...state.recentEventIds, cmd.eventId].slice(-100) });
      step.log('integration_event', now, 'integration', {
        eventId: cmd.eventId,
        source: cmd.source,
        kind: cmd.kind,
        summary: cmd.summary,
      });
      const open = state.status === 'open' || state.status === 'awaiting_customer';
      if (cmd.escalate === true && open && state.level < maxLevel(ctx)) {
        escalateLevel(step, now, 'integration', state.level + 1, `${cmd.source}: ${cmd.kind}`);
      }
      return step.result();
    }
  }
}

/**
 * The customer's escalation where the policy raises priority and level together: one step up each, as far
 * as each can go; refused only when neither can.
 */
function escalatePriorityAndLevel(step: Step, now: number, reason: string): Decision {
  const { state, ctx } = step;
  const priority = raisePriority(state.priority);
  const level = Math.min(state.level + 1, maxLevel(ctx));
  if (priority === state.priority && level === state.level) {
    return refuse(
      'escalation.raisesLevel',
      'already_top_escalation',
      `El ticket ya tiene la prioridad más alta y está en el nivel más alto (${state.level}).`,
      `The ticket already has the highest priority and is at the highest level (${state.level}).`,
    );
  }
  // Two entries, as for each change alone: the priority's (`to` a priority) and the level's (`to` a level).
  if (priority !== state.priority) {
    changePriority(step, now, priority, 'customer', 'escalated', { by: 'customer', reason });
  }
  if (level !== state.level) {
    escalateLevel(step, now, 'customer', level, reason);
  } else {
    step.set({ counters: { ...step.state.counters, escalations: step.state.counters.escalations + 1 } });
    step.notify('escalation', 'ticket_escalated', { level, reason, by: 'customer' });
  }
  return step.result();
}

function escalateLevel(step: Step, now: number, by: Actor, to: number, reason: string): void {
  const from = step.state.level;
  step.set({
    level: to,
    counters: { ...step.state.counters, escalations: step.state.counters.escalations + 1 },
  });
  if (to >= 2) step.meet('level1', now);
  step.log('escalated', now, by, { from, to, reason, by });
  step.notify('escalation', 'ticket_escalated', { level: to, reason, by });
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** When the info-wait in progress closes the ticket, if its rule closes at all. */
function infoExpiry(state: TicketState, ctx: LifecycleContext): number | undefined {
  const wait = state.infoWait;
  const rule = infoWaitRule(ctx.policy, calendarOf(state, ctx));
  if (wait === undefined || rule === undefined || rule.onExpiry !== 'close') return undefined;
  const candidates: (number | undefined)[] = [];
  if (rule.expireAfter) {
    candidates.push(addTime(ctx, state.priority, rule.expireAfter.clock, wait.since, rule.expireAfter.ms));
  }
  if (rule.contactAttempts) {
    const { count, every } = rule.contactAttempts;
    candidates.push(addTime(ctx, state.priority, every.clock, wait.since, every.ms * (count + 1)));
  }
  const known = candidates.filter((c): c is number => c !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/** A timer the workflow must wake up for. */
export type Deadline =
  | { readonly kind: 'warning'; readonly at: number; readonly clock: Metric; readonly fraction: number }
  | { readonly kind: 'due'; readonly at: number; readonly clock: ClockName }
  | { readonly kind: 'info_reminder'; readonly at: number }
  | { readonly kind: 'info_expired'; readonly at: number }
  | { readonly kind: 'decay'; readonly at: number }
  | { readonly kind: 'validation_end'; readonly at: number }
  | { readonly kind: 'reopen_window_end'; readonly at: number };

/** Every pending deadline of the ticket, earliest first. */
export function pendingDeadlines(state: TicketState, ctx: LifecycleContext): Deadline[] {
  const out: Deadline[] = [];
  const { calendarId, priority } = state;
  for (const [name, clock] of Object.entries(state.clocks) as [ClockName, ClockState][]) {
    if (!isRunning(clock) || clock.breached) continue;
    if (name !== 'level1') {
      for (const fraction of ctx.policy.notifications.warnAt) {
        if (clock.warned.includes(fraction)) continue;
        const at = clockInstant(clock, fraction, ctx, calendarId, priority);
        if (at !== undefined) out.push({ kind: 'warning', at, clock: name, fraction });
      }
    }
    const due = clockInstant(clock, 1, ctx, calendarId, priority);
    if (due !== undefined) out.push({ kind: 'due', at: due, clock: name });
  }
  const calendar = calendarOf(state, ctx);
  const wait = state.infoWait;
  if (state.status === 'awaiting_customer' && wait !== undefined) {
    const rule = infoWaitRule(ctx.policy, calendar);
    if (rule?.contactAttempts && wait.attempts < rule.contactAttempts.count) {
      const { every } = rule.contactAttempts;
      const at = addTime(ctx, priority, every.clock, wait.since, every.ms * (wait.attempts + 1));
      if (at !== undefined) out.push({ kind: 'info_reminder', at });
    }
    const expiry = infoExpiry(state, ctx);
    if (expiry !== undefined) out.push({ kind: 'info_expired', at: expiry });
  }
  const decay = priorityDecayRule(ctx.policy, calendar);
  if (
    decay &&
    (state.status === 'open' || state.status === 'awaiting_customer') &&
    decay.priorities.includes(priority) &&
    PRIORITIES.indexOf(priority) > PRIORITIES.indexOf(decay.floor)
  ) {
    const at = addTime(ctx, priority, decay.after.clock, state.lastCustomerActivityAt, decay.after.ms);
    if (at !== undefined) out.push({ kind: 'decay', at });
  }
  if (state.status === 'resolved' && state.validationEndsAt !== undefined) {
    out.push({ kind: 'validation_end', at: state.validationEndsAt });
  }
  if (state.status === 'closed' && state.reopenUntil !== undefined) {
    out.push({ kind: 'reopen_window_end', at: state.reopenUntil });
  }
  const order: Deadline['kind'][] = [
    'info_reminder',
    'warning',
    'due',
    'decay',
    'info_expired',
    'validation_end',
    'reopen_window_end',
  ];
  return out.sort((a, b) => a.at - b.at || order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** The earliest pending deadline, or undefined when the ticket waits only for messages. */
export function nextDeadline(state: TicketState, ctx: LifecycleContext): Deadline | undefined {
  return pendingDeadlines(state, ctx)[0];
}

function applyDeadline(step: Step, d: Deadline): void {
  const at = d.at;
  const state = step.state;
  switch (d.kind) {
    case 'warning': {
      const clock = step.clock(d.clock);
      if (!clock) return;
      step.setClock(d.clock, { ...clock, warned: [...clock.warned, d.fraction] });
      step.log('sla_warning', at, 'system', {
        metric: d.clock,
        fraction: d.fraction,
        dueAt: clockInstant(clock, 1, step.ctx, state.calendarId, state.priority),
      });
      step.notify('warning', 'sla_warning', {
        metric: d.clock,
        fraction: d.fraction,
        dueAt: iso(clockInstant(clock, 1, step.ctx, state.calendarId, state.priority)),
      });
      return;
    }
    case 'due': {
      const clock = step.clock(d.clock);
      if (!clock) return;
      if (d.clock === 'level1') {
        const rule = step.ctx.policy.level1;
        escalateLevel(
          step,
          at,
          'system',
          Math.max(state.level + 1, rule?.transferTo ?? 2),
          'level1_budget_elapsed',
        );
        return;
      }
      step.setClock(d.clock, { ...clock, breached: true });
      step.log('sla_breached', at, 'system', { metric: d.clock, dueAt: at });
      step.notify('breach', 'sla_breach', { metric: d.clock, dueAt: iso(at) });
      return;
    }
    case 'info_reminder': {
      const wait = state.infoWait;
      if (!wait) return;
      const attempt = wait.attempts + 1;
      const total = infoWaitRule(step.ctx.policy, calendarOf(state, step.ctx))?.contactAttempts?.count;
      step.set({ infoWait: { ...wait, attempts: attempt } });
      step.log('info_reminder', at, 'system', { attempt, of: total });
      step.notify('requester', 'info_reminder', {
        attempt,
        attemptsTotal: total,
        expiresAt: iso(infoExpiry(step.state, step.ctx)),
      });
      return;
    }
    case 'info_expired':
      closeTicket(step, at, 'system', 'information_not_received', true);
      return;
    case 'decay': {
      const rule = priorityDecayRule(step.ctx.policy, calendarOf(state, step.ctx));
      const to = lowerPriority(state.priority, rule?.floor);
      changePriority(step, at, to, 'system', 'priority_lowered', { reason: 'no_customer_follow_up' });
      step.set({ lastCustomerActivityAt: at });
      step.notify('requester', 'priority_lowered', { from: state.priority, to });
      return;
    }
    case 'validation_end':
      finalize(step, at, 'system', 'validation_elapsed');
      return;
    case 'reopen_window_end':
      step.log('reopen_window_elapsed', at, 'system');
      step.done = true;
      return;
  }
}

/**
 * Applies one event at `now`. Commands are accepted or refused (with the rule and the reason); a
 * `tick` fires every deadline due at or before `now`, each at its own instant, in order.
 */
export function decide(state: TicketState, event: TicketEvent, now: number, ctx: LifecycleContext): Decision {
  const step = new Step(state, ctx);
  if (event.type !== 'tick') return applyCommand(step, event, now);
  for (let i = 0; i < MAX_TICK_STEPS && !step.done; i++) {
    const next = nextDeadline(step.state, ctx);
    if (next === undefined || next.at > now) break;
    applyDeadline(step, next);
  }
  return step.result();
}

/** Clock names that carry SLA targets, for views. */
export { SLA_METRICS };
