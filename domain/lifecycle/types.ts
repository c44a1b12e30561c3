/**
 * The ticket lifecycle's data: the state a ticket workflow keeps, the messages that drive it, and
 * what a decision returns (timeline entries, notifications, a refusal). Plain data only, so it can
 * travel through Temporal payloads and continue-as-new.
 */
import type { ContractSnapshot } from '../contract';
import type { Channel, Duration, Metric, Priority, Text } from '../policy/schema';

/** Lifecycle statuses. */
export const STATUSES = ['open', 'awaiting_customer', 'resolved', 'closed'] as const;
/** A lifecycle status. */
export type TicketStatus = (typeof STATUSES)[number];

/** Clocks the lifecycle keeps: the three SLA metrics and the level-1 analysis budget. */
export type ClockName = Metric | 'level1';

/**
 * A stoppable clock counting business (or calendar) time towards a target. Time counted before
 * `runningSince` is kept in `accruedMs`, so pauses and priority changes never lose it.
 */
export interface ClockState {
  readonly name: ClockName;
  /** The target as written in the policy. */
  readonly target: Duration;
  /** Counted before `runningSince`, in ms of the clock's time. */
  readonly accruedMs: number;
  /** When the current counting segment started; null while stopped (paused or met). */
  readonly runningSince: number | null;
  /** When the clock first started. */
  readonly startedAt: number;
  /** The due instant while running (undefined: beyond the calendar horizon or stopped). */
  readonly dueAt?: number;
  /** Warning fractions already sent. */
  readonly warned: readonly number[];
  readonly breached: boolean;
  /** When the target was met (first response given, resolved); the clock stops for good. */
  readonly metAt?: number;
}

/** The info-wait in progress: when it began, reminders sent, and its deadlines. */
export interface InfoWaitState {
  readonly since: number;
  readonly attempts: number;
  readonly nextReminderAt?: number;
  readonly expiresAt?: number;
}

/** Everything the workflow knows about one ticket. */
export interface TicketState {
  readonly number: number;
  readonly policyId: string;
  readonly policyVersion: number;
  /** Contract as it stood at creation, pinned for the ticket's life. */
  readonly contract: ContractSnapshot;
  readonly calendarId: string;
  readonly channel: Channel;
  readonly type?: string;
  readonly category: string;
  readonly priority: Priority;
  readonly status: TicketStatus;
  readonly level: number;
  readonly assignee: string | null;
  readonly requester: { readonly email?: string; readonly name?: string };
  readonly subject: string;
  readonly locale: 'es' | 'en';
  readonly createdAt: number;
  readonly clocks: Partial<Record<ClockName, ClockState>>;
  readonly infoWait?: InfoWaitState;
  /** Last time the customer followed up (creation or a reply): priority decay counts from here. */
  readonly lastCustomerActivityAt: number;
  readonly resolvedAt?: number;
  readonly validationEndsAt?: number;
  readonly closedAt?: number;
  readonly closeReason?: string;
  /** Closed by the info-wait expiry (a customer answer may reopen it). */
  readonly autoClosed: boolean;
  /** Until when a closed ticket may be reopened; the workflow ends after it. */
  readonly reopenUntil?: number;
  /**
   * Closed for missing information under `infoWait.reopenWindow: none`: the answer reopens it whenever it
   * comes, so the workflow waits for it with no deadline. Absent on tickets closed before the rule existed.
   */
  readonly reopenWithoutLimit?: boolean;
  /** The resolution became final (validation window elapsed or customer confirmed). */
  readonly final: boolean;
  readonly billable: boolean;
  readonly counters: {
    readonly customerReplies: number;
    readonly agentReplies: number;
    readonly internalNotes: number;
    readonly reopens: number;
    readonly escalations: number;
    /** Customer complaints recorded (absent on tickets started before complaints existed). */
    readonly complaints?: number;
  };
  /** Timeline sequence number of the last entry (every decision that changes state adds entries). */
  readonly seq: number;
  /**
   * Sequence number of the last entry that changes what staff act on: every entry but the clock's own notes
   * (SLA warnings and breaches, info reminders). Absent on tickets started before it existed: then `seq`.
   */
  readonly changedSeq?: number;
  /** Recently seen integration event ids and `message:<id>` of customer replies, for de-duplication. */
  readonly recentEventIds: readonly string[];
}

/** A stored file a message carries: its id (for the download link) and what to show. */
export interface AttachmentRef {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

/** Who acts. */
export type Actor = 'customer' | 'agent' | 'system' | 'integration';

/** Messages that drive a ticket. Commands that can be refused become workflow updates. */
export type TicketCommand =
  | {
      readonly type: 'customer_reply';
      readonly messageId: string;
      readonly body: string;
      readonly from?: string;
      /** Files sent with the message (uploaded and stored before the command). */
      readonly attachments?: readonly AttachmentRef[];
    }
  | {
      readonly type: 'agent_reply';
      readonly messageId: string;
      readonly agent: string;
      readonly body: string;
      readonly internal: boolean;
      /** Addresses copied on the email to the requester (public replies only); absent in older histories. */
      readonly cc?: readonly string[];
      /** Files sent with the reply or note (uploaded and stored before the command). */
      readonly attachments?: readonly AttachmentRef[];
    }
  | { readonly type: 'request_info'; readonly agent: string; readonly body: string }
  | { readonly type: 'resolve'; readonly agent: string; readonly solution: string }
  | { readonly type: 'confirm'; readonly by: string }
  | {
      readonly type: 'reopen';
      readonly by: 'customer' | 'agent';
      readonly reason: string;
      /** Who asks for the reopen (email or name); checked where only the reporting user may ask. */
      readonly requestedBy?: string;
    }
  | {
      /** A customer complaint: notifies the escalation matrix's complaint audience, changes nothing else. */
      readonly type: 'complaint';
      /** De-duplicates a complaint delivered twice (the command id). */
      readonly complaintId: string;
      readonly body: string;
      /** Who complains (email or name), as given. */
      readonly from?: string;
      /** Staff recording the complaint on the customer's behalf, if any. */
      readonly recordedBy?: string;
    }
  | { readonly type: 'escalate'; readonly by: 'customer' | 'agent'; readonly reason: string }
  | { readonly type: 'assign'; readonly assignee: string | null; readonly by: string }
  | {
      readonly type: 'change_priority';
      readonly priority: Priority;
      readonly by: string;
      readonly reason?: string;
    }
  | { readonly type: 'close'; readonly by: string; readonly reason: string }
  | {
      readonly type: 'integration_event';
      readonly eventId: string;
      readonly source: string;
      readonly kind: string;
      readonly summary?: string;
      readonly escalate?: boolean;
    };

/** A timer firing: the workflow woke up because a deadline passed. */
export interface Tick {
  readonly type: 'tick';
}

/** Anything `decide` takes. */
export type TicketEvent = TicketCommand | Tick;

/** One line of the ticket's timeline, projected append-only into Postgres. */
export interface TimelineEntry {
  readonly seq: number;
  readonly type: string;
  readonly at: number;
  readonly actor: Actor;
  readonly data: Record<string, unknown>;
}

/** A notification to write to the outbox (delivered exactly once by its dedupe key). */
export interface Notification {
  readonly dedupeKey: string;
  readonly template: string;
  readonly locale: 'es' | 'en';
  readonly recipient: string;
  readonly payload: Record<string, unknown>;
}

/** Why a command was refused: the policy rule and the reason in both languages. */
export interface LifecycleRefusal {
  readonly rule: string;
  readonly code: string;
  readonly message: Text;
}

/** What `decide` returns. */
export type Decision =
  | {
      readonly accepted: true;
      readonly state: TicketState;
      readonly timeline: readonly TimelineEntry[];
      readonly notifications: readonly Notification[];
      /** The workflow should end: the ticket is closed and can no longer be reopened. */
      readonly done: boolean;
    }
  | { readonly accepted: false; readonly refusal: LifecycleRefusal };
