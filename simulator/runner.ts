/**
 * Runs a scenario through the real ticket workflow on the Temporal emulator with skipped time: intake
 * decides on each draft, the workflow runs with its real timers, and every projection it writes is
 * captured as the timeline. Nothing touches Postgres: the projection activity is replaced by a recorder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { parse as parseYaml } from 'yaml';
import { expandCalendarWindows } from '../activities/calendar';
import type { ProjectionInput } from '../activities/projection';
import {
  ContractSnapshotSchema,
  contractQuotaPeriod,
  decideIntake,
  expandCalendar,
  formatLocal,
  type Policy,
  type Refusal,
} from '../domain/index';
import type { Notification, TimelineEntry } from '../domain/lifecycle/index';
import { loadPolicyFile, loadPreset, PRESET_NAMES, type PresetName } from '../policies/index';
import { ensureSearchAttributes } from '../worker/search-attributes';
import { bundleWorkflows } from '../worker/worker';
import {
  commandSignals,
  commandUpdates,
  REFUSAL_FAILURE_TYPE,
  ticketStateQuery,
  ticketWorkflowId,
  type LifecycleRefusal,
} from '../workflows/ticket/messages';
import { WINDOW_HORIZON_MS } from '../workflows/ticket/constants';
import { checkExpectation } from './checker';
import { ScenarioSchema, type Scenario, type Step } from './scenario';

const DAY_MS = 86_400_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const emulatorExecutable = path.resolve(here, '../bin/temporal-emulator');

/** One line of the simulated timeline. */
export interface SimulatedEvent {
  ticket: string;
  number: number | null;
  seq: number | null;
  at: string;
  local: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

/** What a run produced. */
export interface SimulationResult {
  scenario: string;
  policy: string;
  zone: string;
  events: SimulatedEvent[];
  notifications: { ticket: string; at: string; template: string; recipient: string }[];
  tickets: Record<
    string,
    {
      number: number | null;
      status: string;
      priority?: string;
      level?: number;
      final?: boolean;
      billable?: boolean;
    }
  >;
  expectations: { ok: boolean; message: string }[];
}

/** Reads and validates a scenario file; errors name the field path. */
export function loadScenario(file: string): { scenario: Scenario; dir: string } {
  const raw: unknown = parseYaml(readFileSync(file, 'utf8'));
  const parsed = ScenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid scenario ${file}:\n  ${issues.join('\n  ')}`);
  }
  return { scenario: parsed.data, dir: path.dirname(file) };
}

function policyOf(scenario: Scenario, dir: string): Policy {
  return (PRESET_NAMES as readonly string[]).includes(scenario.policy)
    ? loadPreset(scenario.policy as PresetName)
    : loadPolicyFile(path.resolve(dir, scenario.policy));
}

/** ISO strings under keys that hold instants become epoch ms, as the contract snapshot expects. */
function instants(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && /(At|Until|Start|End)$/.test(key) && !Number.isNaN(Date.parse(value))) {
    return Date.parse(value);
  }
  if (Array.isArray(value)) return value.map((v) => instants(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, instants(v, k)]));
  }
  return value;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeInstalled = false;

/** Runs a scenario and checks its expectations. */
export async function runScenario(scenario: Scenario, dir: string): Promise<SimulationResult> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Installed already by the host process.
    }
  }
  bundle ??= bundleWorkflows(undefined, new DefaultLogger('ERROR'));
  const policy = policyOf(scenario, dir);
  const firstAt = scenario.steps.find((s) => s.at !== undefined)?.at;
  // The clock starts a minute early: setting up the worker takes real (hence virtual) seconds.
  const start = scenario.start ?? (firstAt === undefined ? undefined : firstAt - 60_000);
  if (start === undefined) throw new Error('the scenario needs `start` or a first step with `at`');
  const scenarioStart: number = start;
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: { type: 'existing-path', path: emulatorExecutable },
      // Frozen: steps at one instant all act at that instant, however long they take in real time.
      extraArgs: ['--start-time', new Date(start).toISOString(), '--frozen-clock'],
    },
  });
  const taskQueue = 'simulator';
  type Projected = { entry: TimelineEntry; notifications: Notification[] };
  const projections = new Map<number, Map<number, Projected>>();
  const activities = {
    expandCalendarWindows,
    projectTicket: (input: ProjectionInput): Promise<void> => {
      const byseq = projections.get(input.number) ?? new Map<number, Projected>();
      projections.set(input.number, byseq);
      for (const entry of input.timeline) {
        byseq.set(entry.seq, {
          entry,
          notifications: input.notifications.filter((n) =>
            n.dedupeKey.startsWith(`ticket:${input.number}:${entry.seq}:`),
          ),
        });
      }
      return Promise.resolve();
    },
  };
  const zone = policy.calendars[policy.defaultCalendar]!.zone;
  const events: SimulatedEvent[] = [];
  const numbers = new Map<string, number>();
  const refusals = new Map<string, string[]>();
  let nextNumber = 1001;
  // Quota consumed during the run, per customer: plan tickets per quota period (keyed by its start),
  // add-on tickets per purchase, as production counts them in quota_consumptions.
  const planUsed = new Map<string, Map<number, number>>();
  const packUsed = new Map<string, Map<string, number>>();
  const record = (ticketKey: string, at: number, type: string, data: Record<string, unknown>): void => {
    events.push({
      ticket: ticketKey,
      number: numbers.get(ticketKey) ?? null,
      seq: null,
      at: new Date(at).toISOString(),
      local: formatLocal(zone, at),
      type,
      actor: 'simulator',
      data,
    });
    const list = refusals.get(ticketKey) ?? [];
    if (type === 'refused') list.push(String(data.code));
    refusals.set(ticketKey, list);
  };
  try {
    await ensureSearchAttributes(env.connection, 'default');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle,
      activities,
    });
    await worker.runUntil(async () => {
      let previous = start;
      for (const step of scenario.steps) {
        const target = step.at ?? previous + (step.after ?? 0) + ('wait' in step ? step.wait : 0);
        const now = await env.currentTimeMs();
        if (target < now - 1_000)
          throw new Error(`step at ${new Date(target).toISOString()} is in the past of the simulation`);
        if (target > now) await env.sleep(target - now);
        previous = Math.max(target, now);
        await perform(step, previous);
      }
      await settle();
    });
  } finally {
    await env.teardown();
  }

  async function perform(step: Step, now: number): Promise<void> {
    if ('wait' in step) return;
    if ('create' in step) {
      const { ticket, customer, draft, createdBy } = step.create;
      const c = scenario.customers.find((x) => x.id === customer);
      if (c === undefined) throw new Error(`unknown customer ${customer}`);
      const contract = ContractSnapshotSchema.parse({
        customerId: c.id,
        customerName: c.name,
        policyId: policy.id,
        policyVersion: policy.version,
        planId: null,
        ...(instants(c.contract) as object),
      });
      // As production does: the snapshot covers the quota period containing `now`; the scenario's
      // `quotaUsed` is what was used in the period containing the scenario's start.
      const period = contractQuotaPeriod(
        policy,
        contract.planId,
        contract.periodStart,
        contract.periodEnd,
        now,
      );
      const startPeriod = contractQuotaPeriod(
        policy,
        contract.planId,
        contract.periodStart,
        contract.periodEnd,
        scenarioStart,
      );
      const usedBefore = startPeriod.start === period.start ? contract.quotaUsed : 0;
      const plans = planUsed.get(customer) ?? new Map<number, number>();
      const packs = packUsed.get(customer) ?? new Map<string, number>();
      const snapshot = {
        ...contract,
        periodStart: period.start,
        periodEnd: period.end,
        quotaUsed: usedBefore + (plans.get(period.start) ?? 0),
        packs: contract.packs.map((p) => ({
          ...p,
          remaining: Math.max(0, p.remaining - (packs.get(p.id) ?? 0)),
        })),
      };
      const decision = decideIntake(policy, snapshot, draft, now);
      if (!decision.accepted) {
        record(ticket, now, 'intake_refused', {
          reasons: decision.reasons.map((r: Refusal) => ({ rule: r.rule, code: r.code, en: r.message.en })),
        });
        for (const r of decision.reasons) record(ticket, now, 'refused', { code: r.code, rule: r.rule });
        return;
      }
      if (decision.quota.kind === 'plan') {
        plans.set(period.start, (plans.get(period.start) ?? 0) + 1);
        planUsed.set(customer, plans);
      }
      if (decision.quota.kind === 'pack') {
        packs.set(decision.quota.purchaseId, (packs.get(decision.quota.purchaseId) ?? 0) + 1);
        packUsed.set(customer, packs);
      }
      const number = nextNumber++;
      numbers.set(ticket, number);
      await env.client.workflow.start('ticketWorkflow', {
        workflowId: ticketWorkflowId(number),
        taskQueue,
        args: [
          {
            policy,
            windows: expandCalendar(
              policy.calendars[decision.calendarId]!,
              now - DAY_MS,
              now + WINDOW_HORIZON_MS,
            ),
            open: {
              number,
              contract: snapshot,
              draft,
              category: decision.category,
              calendarId: decision.calendarId,
              createdAt: now,
              ...(createdBy && { createdBy }),
            },
          },
        ],
      });
      return;
    }
    const [kind, args] = Object.entries(step).find(([k]) => k !== 'at' && k !== 'after') as [
      string,
      { ticket: string } & Record<string, unknown>,
    ];
    const number = numbers.get(args.ticket);
    if (number === undefined) throw new Error(`step ${kind}: ticket ${args.ticket} was not created`);
    const handle = env.client.workflow.getHandle(ticketWorkflowId(number));
    const { ticket: _ticket, ...rest } = args;
    const messageId = `${args.ticket}-${now}`;
    const byKind: Record<string, [string, object]> = {
      customerReply: ['customer_reply', { messageId, ...rest }],
      agentReply: ['agent_reply', { messageId, internal: false, ...rest }],
      note: ['agent_reply', { messageId, internal: true, ...rest }],
      requestInfo: ['request_info', rest],
      resolve: ['resolve', rest],
      confirm: ['confirm', { by: 'customer' }],
      reopen: ['reopen', rest],
      escalate: ['escalate', rest],
      complaint: ['complaint', { complaintId: messageId, ...rest }],
      assign: ['assign', { by: 'agent', ...rest }],
      changePriority: ['change_priority', { by: 'agent', ...rest }],
      close: ['close', { by: 'agent', ...rest }],
      integrationEvent: ['integration_event', rest],
    };
    const [command, payload] = byKind[kind]!;
    try {
      if (command in commandSignals) {
        await handle.signal(
          commandSignals[command as keyof typeof commandSignals] as never,
          payload as never,
        );
        return;
      }
      await handle.executeUpdate(commandUpdates[command as keyof typeof commandUpdates] as never, {
        args: [payload] as never,
      });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        // The ticket's workflow has ended (final resolution, closed past its reopen window): the step is
        // refused and the run goes on.
        record(args.ticket, now, 'refused', {
          command,
          rule: 'workflow',
          code: 'ticket_ended',
          en: 'The ticket is closed for good: its workflow has ended.',
        });
        return;
      }
      if (
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === REFUSAL_FAILURE_TYPE
      ) {
        const refusal = error.cause.details?.[0] as LifecycleRefusal;
        record(args.ticket, now, 'refused', {
          command,
          rule: refusal.rule,
          code: refusal.code,
          en: refusal.message.en,
        });
        return;
      }
      throw error;
    }
  }

  async function settle(): Promise<void> {
    for (const [, number] of numbers) {
      const handle = env.client.workflow.getHandle(ticketWorkflowId(number));
      for (let i = 0; i < 100; i++) {
        const seq = await handle
          .query(ticketStateQuery)
          .then((s) => s.state.seq)
          .catch(() => undefined);
        const projected = Math.max(0, ...(projections.get(number)?.keys() ?? []));
        if (seq === undefined || projected >= seq) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  const tickets: SimulationResult['tickets'] = {};
  const notifications: SimulationResult['notifications'] = [];
  for (const [key, number] of numbers) {
    const projected = [...(projections.get(number)?.values() ?? [])].sort(
      (a, b) => a.entry.seq - b.entry.seq,
    );
    for (const { entry, notifications: sent } of projected) {
      events.push({
        ticket: key,
        number,
        seq: entry.seq,
        at: new Date(entry.at).toISOString(),
        local: formatLocal(zone, entry.at),
        type: entry.type,
        actor: entry.actor,
        data: entry.data,
      });
      for (const n of sent)
        notifications.push({
          ticket: key,
          at: new Date(entry.at).toISOString(),
          template: n.template,
          recipient: n.recipient,
        });
    }
  }
  events.sort((a, b) => a.at.localeCompare(b.at) || (a.seq ?? 0) - (b.seq ?? 0));
  for (const [key, number] of numbers) tickets[key] = { number, status: finalStatus(events, key) };
  for (const c of scenario.steps.flatMap((s) =>
    'create' in s && !numbers.has(s.create.ticket) ? [s.create.ticket] : [],
  )) {
    tickets[c] = { number: null, status: 'refused' };
  }
  const result: SimulationResult = {
    scenario: scenario.name,
    policy: `${policy.id}@${policy.version}`,
    zone,
    events,
    notifications,
    tickets,
    expectations: [],
  };
  result.expectations = scenario.expect.flatMap((e) => checkExpectation(e, result, refusals));
  return result;
}

/** The status after the last status-changing event of a ticket. */
function finalStatus(events: SimulatedEvent[], ticket: string): string {
  const changes: Record<string, string> = {
    created: 'open',
    info_requested: 'awaiting_customer',
    info_received: 'open',
    resolved: 'resolved',
    reopened: 'open',
    closed: 'closed',
    auto_closed: 'closed',
    resolution_final: 'closed',
  };
  let status = 'unknown';
  for (const e of events) if (e.ticket === ticket && changes[e.type]) status = changes[e.type]!;
  return status;
}

/** The timeline as a readable table. */
export function formatTable(result: SimulationResult): string {
  const rows = result.events.map((e) => [
    e.local,
    e.ticket + (e.number ? ` #${e.number}` : ''),
    e.type,
    e.actor,
    summarize(e.data),
  ]);
  const header = [`time (${result.zone})`, 'ticket', 'event', 'actor', 'details'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i]!)).join('  ');
  const lines = [
    `${result.scenario} — policy ${result.policy}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  for (const x of result.expectations) lines.push(`${x.ok ? 'ok  ' : 'FAIL'} ${x.message}`);
  return lines.join('\n');
}

function summarize(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${typeof v === 'number' && v > 1e12 ? new Date(v).toISOString() : String(v)}`)
    .join(' ');
}
