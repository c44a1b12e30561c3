import { ContractSnapshotSchema, TicketDraftSchema, decideIntake, expandCalendar } from '../../domain/index';
import type { ContractSnapshotInput, TicketDraftInput, Policy } from '../../domain/index';
import {
  decide,
  openTicket,
  type Decision,
  type LifecycleContext,
  type TicketEvent,
  type TicketState,
  type TimelineEntry,
  type Notification,
} from '../../domain/lifecycle/index';
import { loadPreset, type PresetName } from '../../policies/index';

const DAY = 86_400_000;

/** A ticket driven by `decide` alone, recording everything it emits. */
export class TicketHarness {
  timeline: TimelineEntry[] = [];
  notifications: Notification[] = [];
  done = false;
  constructor(
    public state: TicketState,
    readonly ctx: LifecycleContext,
  ) {}

  /** Applies an event; throws when refused. */
  apply(event: TicketEvent, now: number): this {
    const d = this.try(event, now);
    if (!d.accepted) throw new Error(`refused: ${d.refusal.code} ${d.refusal.message.en}`);
    return this;
  }

  /** Applies an event and returns the raw decision. */
  try(event: TicketEvent, now: number): Decision {
    const d = decide(this.state, event, now, this.ctx);
    if (d.accepted) {
      this.state = d.state;
      this.timeline.push(...d.timeline);
      this.notifications.push(...d.notifications);
      this.done ||= d.done;
    }
    return d;
  }

  tick(now: number): this {
    return this.apply({ type: 'tick' }, now);
  }

  types(): string[] {
    return this.timeline.map((e) => e.type);
  }
}

/** Opens a ticket under a preset, through intake, at `createdAt`. */
export function openUnder(
  preset: PresetName,
  createdAt: number,
  contract: Partial<ContractSnapshotInput>,
  draft: TicketDraftInput,
): TicketHarness {
  const policy: Policy = loadPreset(preset);
  const snapshot = ContractSnapshotSchema.parse({
    customerId: 'acme',
    customerName: 'ACME',
    policyId: policy.id,
    policyVersion: policy.version,
    planId: policy.plans[0]!.id,
    periodStart: createdAt - 10 * DAY,
    periodEnd: createdAt + 300 * DAY,
    ...contract,
  });
  const parsedDraft = TicketDraftSchema.parse(draft);
  const intake = decideIntake(policy, snapshot, parsedDraft, createdAt);
  if (!intake.accepted) throw new Error(`intake refused: ${intake.reasons.map((r) => r.code).join(', ')}`);
  const calendar = policy.calendars[intake.calendarId]!;
  const ctx: LifecycleContext = {
    policy,
    windows: expandCalendar(calendar, createdAt - DAY, createdAt + 90 * DAY),
  };
  const opened = openTicket(
    {
      number: 1042,
      contract: snapshot,
      draft: parsedDraft,
      category: intake.category,
      calendarId: intake.calendarId,
      createdAt,
    },
    ctx,
  );
  const harness = new TicketHarness(opened.state, ctx);
  harness.timeline.push(...opened.timeline);
  harness.notifications.push(...opened.notifications);
  return harness;
}
