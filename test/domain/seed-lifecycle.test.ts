/**
 * Issue 14, the lifecycle part: each rule below quotes the seed sentence it honours and is checked on the
 * pure `decide`, under the preset that encodes it (and, for running tickets, under the policy as pinned
 * before the rule existed).
 */
import { describe, expect, it } from 'vitest';
import { validatePolicy, type Policy, type Priority } from '../../domain/index';
import { allowedActions } from '../../domain/lifecycle/allowed';
import { nextDeadline } from '../../domain/lifecycle/index';
import { loadPreset } from '../../policies/index';
import { openUnder, TicketHarness } from '../lifecycle/support';

const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

const arcoirisDraft = {
  channel: 'portal' as const,
  type: 'problem_report',
  priority: 'medium' as Priority,
  requesterName: 'Marta Gil',
  requesterEmail: 'marta@cliente.co',
  subject: 'Error al exportar',
  description: 'Al exportar a PDF aparece un error desde el lunes.',
};
const arcoirisContract = {
  authorizedRequesters: [
    { name: 'Marta Gil', email: 'marta@cliente.co' },
    { name: 'Pedro Ríos', email: 'pedro@cliente.co' },
  ],
};
const arcoiris = (createdAt: number) => openUnder('arcoiris', createdAt, arcoirisContract, arcoirisDraft);

const w32Draft = {
  channel: 'portal' as const,
  type: 'incident',
  category: 'dms',
  priority: 'medium' as Priority,
  company: 'ACME',
  requesterName: 'Ana Ruiz',
  requesterEmail: 'ana@acme.mx',
  contactPhone: '+52 55 5555 5555',
  subject: 'El módulo de facturación no timbra',
  description: 'Desde las 9:00 el timbrado devuelve error 301.',
  attachments: 1,
};
const w32 = (createdAt: number) =>
  openUnder(
    'w32',
    createdAt,
    { authorizedRequesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }] },
    w32Draft,
  );

/** The same ticket under a copy of its policy changed by `edit` (a policy as pinned by an older version). */
function under(t: TicketHarness, edit: (p: Policy) => Policy): TicketHarness {
  return new TicketHarness(t.state, { ...t.ctx, policy: edit(t.ctx.policy) });
}

describe('arcoiris: "El usuario que reportó la solicitud tiene derecho de solicitar se reabra si la solución no le satisface."', () => {
  const resolved = () => {
    const t = arcoiris(at('2026-03-02T09:00-05:00'));
    t.apply({ type: 'assign', assignee: 'jorge@arcoirisapp.co', by: 'lead' }, at('2026-03-02T09:05-05:00'));
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'Actualice a 4.2' }, at('2026-03-03T09:00-05:00'));
    return t;
  };

  it('a reply during the validation window is no reopen: it goes on the timeline and to the assignee, and the resolution still becomes final and billable', () => {
    const t = resolved();
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'ticket_resolved',
      payload: { reopenOnRequest: true },
    });
    t.apply(
      { type: 'customer_reply', messageId: 'm1', body: 'Gracias, ya funciona', from: 'marta@cliente.co' },
      at('2026-03-04T10:00-05:00'),
    );
    expect(t.state.status).toBe('resolved');
    expect(t.timeline.at(-1)).toMatchObject({
      type: 'customer_reply',
      data: { body: 'Gracias, ya funciona', reopened: false },
    });
    expect(t.types()).not.toContain('reopened');
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'customer_reply_received',
      recipient: 'jorge@arcoirisapp.co',
      payload: { body: 'Gracias, ya funciona', validationEndsAt: '2026-03-11T14:00:00.000Z' },
    });
    // "pasados los 8 días serán descontadas de las horas de consultoría o facturables"
    t.tick(at('2026-03-11T09:00-05:00'));
    expect(t.state).toMatchObject({ status: 'closed', final: true, billable: true });
    expect(t.types().slice(-1)).toEqual(['resolution_final']);
  });

  it("the assignee's notice of such a reply lists the customer's files, for its email to carry", () => {
    const t = resolved();
    const shot = {
      id: '0b6c1f4e-3d2a-4c1b-9e8f-7a6b5c4d3e2f',
      name: 'pantalla.png',
      contentType: 'image/png',
      size: 2048,
    };
    t.apply(
      {
        type: 'customer_reply',
        messageId: 'm2',
        body: 'Sigue fallando, adjunto pantalla',
        attachments: [shot],
      },
      at('2026-03-04T10:00-05:00'),
    );
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'customer_reply_received',
      payload: { attachments: [shot] },
    });
  });

  it('the reporting user reopens by asking; anyone else, or a request naming nobody, is refused with the rule', () => {
    const t = resolved();
    const other = t.try(
      { type: 'reopen', by: 'customer', reason: 'No sirve', requestedBy: 'pedro@cliente.co' },
      at('2026-03-05T10:00-05:00'),
    );
    expect(other).toMatchObject({
      accepted: false,
      refusal: { rule: 'reopen.onlyRequester', code: 'not_the_requester' },
    });
    if (!other.accepted) expect(other.refusal.message.es).toMatch(/Solo el usuario que reportó/);
    const nobody = t.try({ type: 'reopen', by: 'agent', reason: 'No sirve' }, at('2026-03-05T10:00-05:00'));
    expect(nobody).toMatchObject({ accepted: false, refusal: { code: 'not_the_requester' } });
    expect(t.state.status).toBe('resolved');

    // By email or by name, in any case: the agent registers the user's request in the console.
    t.apply(
      { type: 'reopen', by: 'agent', reason: 'Sigue fallando', requestedBy: 'MARTA@cliente.co' },
      at('2026-03-05T10:01-05:00'),
    );
    expect(t.state.status).toBe('open');
    expect(t.timeline.at(-1)).toMatchObject({
      type: 'reopened',
      data: { requestedBy: 'MARTA@cliente.co', reason: 'Sigue fallando' },
    });
  });

  it('staff are offered "Reabrir" on the resolved ticket, to record the user\'s request, until the window ends', () => {
    const t = resolved();
    expect(allowedActions(t.state, t.ctx, at('2026-03-05T10:00-05:00'))).toContain('reopen');
    t.tick(at('2026-03-11T09:00-05:00'));
    expect(allowedActions(t.state, t.ctx, at('2026-03-11T09:01-05:00'))).not.toContain('reopen');
  });

  it('a ticket pinned to the policy before the rule (no `reopen.trigger`) keeps reopening on any reply', () => {
    const t = under(resolved(), (p) => ({
      ...p,
      reopen: { by: p.reopen!.by, ...(p.reopen!.window && { window: p.reopen!.window }) },
    }));
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'Gracias' }, at('2026-03-04T10:00-05:00'));
    expect(t.state.status).toBe('open');
    expect(t.types().slice(-2)).toEqual(['reopened', 'customer_reply']);
  });

  it('w32 (no such rule in its seed) still reopens a resolved ticket on the customer reply', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply(
      { type: 'resolve', agent: 'luis', solution: 'Reinstale el certificado' },
      at('2026-03-02T12:00-06:00'),
    );
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'Sigue igual' }, at('2026-03-03T09:00-06:00'));
    expect(t.state.status).toBe('open');
  });
});

describe('arcoiris: "solicite que su problema sea escalado y aumente su prioridad"', () => {
  it('the customer escalation raises the level and the priority together, each as far as it goes', () => {
    const t = arcoiris(at('2026-03-02T09:00-05:00'));
    t.apply({ type: 'escalate', by: 'customer', reason: 'Urgente' }, at('2026-03-02T10:00-05:00'));
    expect(t.state).toMatchObject({ priority: 'high', level: 2 });
    expect(t.timeline.slice(-2)).toMatchObject([
      { type: 'escalated', actor: 'customer', data: { from: 'medium', to: 'high', by: 'customer' } },
      { type: 'escalated', actor: 'customer', data: { from: 1, to: 2, by: 'customer' } },
    ]);
    expect(t.notifications.filter((n) => n.template === 'ticket_escalated')).toHaveLength(1);
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'ticket_escalated',
      recipient: 'gerencia@idinamica.co',
      payload: { level: 2 },
    });
    t.apply({ type: 'escalate', by: 'customer', reason: 'Más urgente' }, at('2026-03-02T10:30-05:00'));
    expect(t.state).toMatchObject({ priority: 'critical', level: 2 });
    expect(
      t.try({ type: 'escalate', by: 'customer', reason: 'Otra vez' }, at('2026-03-02T11:00-05:00')),
    ).toMatchObject({ accepted: false, refusal: { code: 'already_top_escalation' } });
  });
});

describe('w32: "Las dudas y comentarios sobre eventualidades surgidas en el proceso de soporte pueden ser escaladas a:" (three managers)', () => {
  const managers = ['ovalenzuela@w32.mx', 'gescoto@w32.mx', 'vgaspar@w32.mx'];

  it('accepts the customer escalation: next level, the three managers told', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply({ type: 'escalate', by: 'customer', reason: 'Sin respuesta' }, at('2026-03-02T11:00-06:00'));
    expect(t.state).toMatchObject({ level: 2, priority: 'medium' });
    expect(t.notifications.filter((n) => n.template === 'ticket_escalated').map((n) => n.recipient)).toEqual(
      managers,
    );
  });

  it('a complaint notifies the complaint audience, changes neither level nor priority, and counts once', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    const before = { level: t.state.level, priority: t.state.priority, status: t.state.status };
    const complaint = {
      type: 'complaint' as const,
      complaintId: 'c-1',
      body: 'Nadie me ha llamado',
      from: 'ana@acme.mx',
    };
    t.apply(complaint, at('2026-03-02T11:00-06:00'));
    expect(t.state).toMatchObject(before);
    expect(t.timeline.at(-1)).toMatchObject({
      type: 'complaint',
      actor: 'customer',
      data: { body: 'Nadie me ha llamado', from: 'ana@acme.mx' },
    });
    const sent = () => t.notifications.filter((n) => n.template === 'complaint_received');
    expect(sent().map((n) => n.recipient)).toEqual(managers);
    const entries = t.timeline.length;
    t.apply(complaint, at('2026-03-02T11:05-06:00'));
    expect(t.timeline).toHaveLength(entries);
    expect(sent()).toHaveLength(3);
    expect(t.state.counters.complaints).toBe(1);
  });

  it('a policy whose matrix names nobody for complaints refuses one, saying so', () => {
    const t = under(w32(at('2026-03-02T10:00-06:00')), (p) => ({
      ...p,
      escalation: { ...p.escalation, matrix: [] },
    }));
    expect(
      t.try({ type: 'complaint', complaintId: 'c-1', body: 'Queja' }, at('2026-03-02T11:00-06:00')),
    ).toMatchObject({
      accepted: false,
      refusal: { rule: 'escalation.matrix', code: 'no_complaint_contact' },
    });
  });
});

describe('w32: "si esta no es recibida en un lapso de 3 días hábiles, el ticket se cerrara, y este será reabierto cuando se reciba la información solicitada"', () => {
  const closedForInfo = () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply({ type: 'request_info', agent: 'luis', body: 'Envíe la captura' }, at('2026-03-02T11:00-06:00'));
    t.tick(at('2026-03-05T11:00-06:00'));
    expect(t.state).toMatchObject({ status: 'closed', autoClosed: true });
    return t;
  };

  it('waits for the information with no time limit: no deadline, the workflow does not end, the answer reopens it after the 30-day reopen window', () => {
    const t = closedForInfo();
    expect(t.state.reopenWithoutLimit).toBe(true);
    expect(nextDeadline(t.state, t.ctx)).toBeUndefined();
    expect(t.done).toBe(false);
    const later = at('2026-03-05T11:00-06:00') + 45 * DAY;
    t.tick(later);
    expect(t.done).toBe(false);
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'Adjunto la captura' }, later);
    expect(t.state.status).toBe('open');
    expect(t.types().slice(-2)).toEqual(['reopened', 'customer_reply']);
    expect(t.state.reopenWithoutLimit).toBeUndefined();
  });

  it('a duration in `infoWait.reopenWindow` limits it, separately from the general reopen window', () => {
    const t = under(w32(at('2026-03-02T10:00-06:00')), (p) => ({
      ...p,
      infoWait: { ...p.infoWait!, reopenWindow: { days: 60 } },
    }));
    t.apply({ type: 'request_info', agent: 'luis', body: 'Envíe la captura' }, at('2026-03-02T11:00-06:00'));
    t.tick(at('2026-03-05T11:00-06:00'));
    expect(nextDeadline(t.state, t.ctx)).toEqual({
      kind: 'reopen_window_end',
      at: at('2026-03-05T11:00-06:00') + 60 * DAY,
    });
  });

  it('a ticket pinned to the policy before the rule keeps the general 30-day window, then its workflow ends', () => {
    const t = under(w32(at('2026-03-02T10:00-06:00')), (p) => {
      const { reopenWindow: _dropped, ...infoWait } = p.infoWait!;
      return { ...p, infoWait };
    });
    t.apply({ type: 'request_info', agent: 'luis', body: 'Envíe la captura' }, at('2026-03-02T11:00-06:00'));
    t.tick(at('2026-03-05T11:00-06:00'));
    expect(nextDeadline(t.state, t.ctx)).toEqual({
      kind: 'reopen_window_end',
      at: at('2026-03-05T11:00-06:00') + 30 * DAY,
    });
  });
});

describe('the presets state their lifecycle rules', () => {
  it('sets `reopen.trigger` in every preset, `request` (reporter only) where the seed says the user asks', () => {
    const rules = (['arcoiris', 'w32', 'paygroup', 'indetec', 'sisnova'] as const).map((name) => {
      const policy = loadPreset(name);
      return [name, policy.reopen?.trigger, policy.reopen?.onlyRequester ?? false];
    });
    expect(rules).toEqual([
      ['arcoiris', 'request', true],
      ['w32', 'reply', false],
      ['paygroup', 'reply', false],
      ['indetec', 'reply', false],
      ['sisnova', 'reply', false],
    ]);
    expect(loadPreset('w32').infoWait?.reopenWindow).toBe('none');
  });
});

describe('the new policy fields are validated with the field path and the reason', () => {
  it('refuses an unknown reopen trigger and an info-wait reopen window that is neither none nor a duration', () => {
    const base = loadPreset('w32') as unknown as Record<string, Record<string, unknown>>;
    const result = validatePolicy({
      ...base,
      reopen: { ...base.reopen, trigger: 'sometimes' },
      infoWait: { ...base.infoWait, reopenWindow: 'forever' },
      escalation: { ...base.escalation, raisesLevel: 'yes' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual([
      'escalation.raisesLevel',
      'infoWait.reopenWindow',
      'reopen.trigger',
    ]);
  });
});
