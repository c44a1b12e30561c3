// Intake rule by rule: each channel and entitlement rule on a policy that has only that rule, the exact
// answer the requester gets (es and en) and the boundaries (the instant a period ends, the last attachment).
// intake.test.ts and presets.test.ts check the presets' decisions as a whole; these close the gaps that
// mutation testing (domain/intake.ts) found.
import { describe, expect, it } from 'vitest';
import type { ContractSnapshotInput } from '../../domain/contract';
import {
  chooseQuota,
  decideIntake,
  draftCategory,
  requesterOnFile,
  type IntakeDecision,
  type Refusal,
} from '../../domain/intake';
import {
  CalendarSchema,
  ChannelRuleSchema,
  EntitlementSchema,
  type Channel,
  type ChannelRule,
  type Policy,
} from '../../domain/policy/schema';
import type { TicketDraftInput } from '../../domain/contract';
import { loadPreset } from '../../policies';
import { D, at, contractFor, draft } from './helpers';

const sisnova = loadPreset('sisnova');
/** Friday 10:00 in Guatemala: sisnova's business calendar (Mon-Fri 08:00-17:00) is open. */
const now = at('2026-11-20T10:00-06:00');
/** Saturday 10:00 in Guatemala: closed until Monday 08:00. */
const saturday = at('2026-11-21T10:00-06:00');

/** sisnova with only the given channel and entitlement rules (schema defaults applied). */
function policyWith(
  channels: Partial<Record<Channel, Record<string, unknown>>>,
  entitlement: Record<string, unknown> = {},
  rest: Partial<Policy> = {},
): Policy {
  const parsed: Partial<Record<Channel, ChannelRule>> = {};
  for (const [name, rule] of Object.entries(channels))
    parsed[name as Channel] = ChannelRuleSchema.parse(rule);
  return { ...sisnova, channels: parsed, entitlement: EntitlementSchema.parse(entitlement), ...rest };
}

const portalOnly = policyWith({ portal: { accepted: true } });

function decide(
  policy: Policy,
  d: Partial<TicketDraftInput>,
  contract: Partial<ContractSnapshotInput> = {},
  instant = now,
): IntakeDecision {
  return decideIntake(
    policy,
    contractFor(policy, contract),
    draft({ channel: 'portal', category: 'support', ...d }),
    instant,
  );
}

function reasons(d: IntakeDecision): readonly Refusal[] {
  return d.accepted ? [] : d.reasons;
}

describe('channel rules', () => {
  it('names a channel the policy does not offer, and checks nothing else of it', () => {
    expect(reasons(decide(portalOnly, { channel: 'chat' }))).toEqual([
      {
        rule: 'channels.chat',
        code: 'channel_not_offered',
        message: {
          es: 'El canal chat no está habilitado para soporte.',
          en: 'The chat channel is not offered for support.',
        },
      },
    ]);
  });

  it('refuses a channel with the policy answer, or a generic one, and checks nothing else of it', () => {
    const answer = { es: 'Use el portal.', en: 'Use the portal.' };
    const refused = policyWith({
      email: { accepted: false, refusal: answer, requiredFields: ['subject'], minAttachments: 1 },
    });
    expect(reasons(decide(refused, { channel: 'email' }))).toEqual([
      { rule: 'channels.email', code: 'channel_refused', message: answer },
    ]);
    const bare = policyWith({ email: { accepted: false } });
    expect(reasons(decide(bare, { channel: 'email' }))).toEqual([
      {
        rule: 'channels.email',
        code: 'channel_refused',
        message: { es: 'Canal no aceptado.', en: 'Channel not accepted.' },
      },
    ]);
  });

  it('takes a channel that needs a contracted option only from contracts that have it', () => {
    const p = policyWith({ oncall_phone: { accepted: true, requiresOption: 'onCall24x7' } });
    expect(reasons(decide(p, { channel: 'oncall_phone' }))).toEqual([
      {
        rule: 'channels.oncall_phone.requiresOption',
        code: 'channel_option_missing',
        message: {
          es: 'El canal oncall_phone requiere la opción contratada onCall24x7.',
          en: 'The oncall_phone channel requires the contracted option onCall24x7.',
        },
      },
    ]);
    expect(
      decide(p, { channel: 'oncall_phone' }, { options: { onCall24x7: true, systemOperator: false } }),
    ).toMatchObject({ accepted: true });
    const answer = { es: 'Solo con guardia.', en: 'On-call contracts only.' };
    const withAnswer = policyWith({
      oncall_phone: { accepted: true, requiresOption: 'onCall24x7', refusal: answer },
    });
    expect(reasons(decide(withAnswer, { channel: 'oncall_phone' }))[0]?.message).toEqual(answer);
  });

  it('refuses a channel to a requester with a portal user, matched without case or accents', () => {
    const p = policyWith({ email: { accepted: true, onlyWithoutPortalUser: true } });
    const people = {
      authorizedRequesters: [
        { name: 'Sin Correo', portalUser: true },
        { name: 'Luis', email: 'luis@cliente.gt' },
        { name: 'Ana Pérez', email: 'Ána.Perez@Cliente.gt', portalUser: true },
      ],
    };
    expect(
      reasons(decide(p, { channel: 'email', requesterEmail: ' ana.perez@cliente.gt ' }, people)),
    ).toEqual([
      {
        rule: 'channels.email.onlyWithoutPortalUser',
        code: 'channel_portal_user',
        message: {
          es: 'Usted tiene usuario en el portal: registre su solicitud allí.',
          en: 'You have a portal user: please file your request there.',
        },
      },
    ]);
    expect(decide(p, { channel: 'email', requesterEmail: 'luis@cliente.gt' }, people).accepted).toBe(true);
    expect(decide(p, { channel: 'email', requesterEmail: 'nadie@cliente.gt' }, people).accepted).toBe(true);
    expect(decide(p, { channel: 'email', requesterName: 'Sin Correo' }, people).accepted).toBe(true);
    const open = policyWith({ email: { accepted: true } });
    expect(decide(open, { channel: 'email', requesterEmail: 'ana.perez@cliente.gt' }, people).accepted).toBe(
      true,
    );
    const answer = { es: 'Use el portal.', en: 'Use the portal.' };
    const withAnswer = policyWith({
      email: { accepted: true, onlyWithoutPortalUser: true, refusal: answer },
    });
    expect(
      reasons(decide(withAnswer, { channel: 'email', requesterEmail: 'ana.perez@cliente.gt' }, people))[0]
        ?.message,
    ).toEqual(answer);
  });

  it('refuses a channel outside its calendar and says when it opens again, in the calendar’s zone', () => {
    const p = policyWith({ phone: { accepted: true, openDuring: 'business' } });
    const monday8 = at('2026-11-23T08:00-06:00');
    expect(reasons(decide(p, { channel: 'phone' }, {}, saturday))).toEqual([
      {
        rule: 'channels.phone.openDuring',
        code: 'channel_closed',
        message: {
          es: 'El canal telefónico está fuera de horario. Vuelve a atender el 2026-11-23 08:00 (America/Guatemala).',
          en: 'The phone channel is closed now. It opens again on 2026-11-23 08:00 (America/Guatemala).',
        },
        opensAt: monday8,
      },
    ]);
    expect(decide(p, { channel: 'phone' }, {}, monday8 - 1).accepted).toBe(false);
    expect(decide(p, { channel: 'phone' }, {}, monday8).accepted).toBe(true);
    expect(decide(p, { channel: 'phone' }).accepted).toBe(true);

    const answer = { es: 'Llame en horario.', en: 'Call in office hours.' };
    const withAnswer = policyWith({ phone: { accepted: true, openDuring: 'business', refusal: answer } });
    expect(reasons(decide(withAnswer, { channel: 'phone' }, {}, saturday))[0]?.message).toEqual({
      es: 'Llame en horario. Vuelve a atender el 2026-11-23 08:00 (America/Guatemala).',
      en: 'Call in office hours. It opens again on 2026-11-23 08:00 (America/Guatemala).',
    });
  });

  it('looks two weeks ahead for the next opening, and gives the plain answer past that', () => {
    const mondays = (holidays: string[]) =>
      CalendarSchema.parse({
        zone: 'America/Guatemala',
        businessDayHours: 9,
        weekly: [{ days: ['mon'], from: '08:00', to: '17:00' }],
        holidays: holidays.map((date) => ({ date })),
      });
    const onMondays = (holidays: string[]) =>
      policyWith(
        { chat: { accepted: true, openDuring: 'mondays' } },
        {},
        {
          calendars: { ...sisnova.calendars, mondays: mondays(holidays) },
        },
      );
    // Nine days ahead: found.
    expect(reasons(decide(onMondays(['2026-11-23']), { channel: 'chat' }, {}, saturday))[0]).toMatchObject({
      code: 'channel_closed',
      opensAt: at('2026-11-30T08:00-06:00'),
    });
    // Sixteen days ahead: past the horizon, no next opening.
    const far = reasons(decide(onMondays(['2026-11-23', '2026-11-30']), { channel: 'chat' }, {}, saturday));
    expect(far).toEqual([
      {
        rule: 'channels.chat.openDuring',
        code: 'channel_closed',
        message: { es: 'El canal de chat está fuera de horario.', en: 'The chat channel is closed now.' },
      },
    ]);
  });

  it('names each channel in its closed answer', () => {
    const names: Record<Channel, [string, string]> = {
      portal: ['del portal', 'portal'],
      email: ['de correo', 'email'],
      phone: ['telefónico', 'phone'],
      oncall_phone: ['de guardia telefónica', 'on-call phone'],
      chat: ['de chat', 'chat'],
      whatsapp: ['de WhatsApp', 'WhatsApp'],
      api: ['de integración (API)', 'API'],
    };
    for (const [channel, [es, en]] of Object.entries(names) as [Channel, [string, string]][]) {
      const p = policyWith({ [channel]: { accepted: true, openDuring: 'business' } });
      const message = reasons(decide(p, { channel }, {}, saturday))[0]?.message;
      expect(message?.es.startsWith(`El canal ${es} está fuera de horario. `)).toBe(true);
      expect(message?.en.startsWith(`The ${en} channel is closed now. `)).toBe(true);
    }
  });

  it('names every missing required field; blank text, no attachment or no self-help count as missing', () => {
    const fields = {
      company: ['razón social', 'company'],
      requesterName: ['nombre del solicitante', 'requester name'],
      requesterEmail: ['correo del solicitante', 'requester email'],
      contactPhone: ['número de contacto', 'contact number'],
      subject: ['asunto', 'subject'],
      description: ['descripción', 'description'],
      type: ['tipo de solicitud', 'request type'],
      category: ['categoría', 'category'],
      productVersion: ['versión del producto', 'product version'],
      module: ['módulo', 'module'],
      attachments: ['adjuntos', 'attachments'],
      selfHelpConsulted: [
        'consulta previa de los recursos de autoayuda',
        'self-help resources consulted first',
      ],
    } as const;
    const p = policyWith({ portal: { accepted: true, requiredFields: Object.keys(fields) } });
    const missing = reasons(
      decide(p, { category: undefined, subject: '   ', attachments: 0, selfHelpConsulted: false }),
    );
    expect(missing).toEqual(
      Object.values(fields).map(([es, en]) => ({
        rule: 'channels.portal.requiredFields',
        code: 'missing_field',
        message: { es: `Falta el dato requerido: ${es}.`, en: `Missing required field: ${en}.` },
      })),
    );
    const complete = decide(p, {
      company: 'ACME',
      requesterName: 'Ana',
      requesterEmail: 'ana@acme.gt',
      contactPhone: '5555',
      subject: 'Error',
      description: 'No imprime',
      type: 'error',
      productVersion: 'R3',
      module: 'Ventas',
      attachments: 1,
      selfHelpConsulted: true,
    });
    expect(complete).toMatchObject({ accepted: true });
  });

  it('asks for the minimum number of attachments', () => {
    const p = policyWith({ portal: { accepted: true, minAttachments: 2 } });
    expect(reasons(decide(p, { attachments: 1 }))).toEqual([
      {
        rule: 'channels.portal.minAttachments',
        code: 'attachments_missing',
        message: {
          es: 'Adjunte al menos 2 imagen(es) que ilustren la solicitud.',
          en: 'Attach at least 2 image(s) illustrating the request.',
        },
      },
    ]);
    expect(decide(p, { attachments: 2 }).accepted).toBe(true);
  });
});

describe('entitlement: license', () => {
  const licensed = policyWith({ portal: { accepted: true } }, { license: { required: true } });
  const refusal = (es: string, en: string) => [
    { rule: 'entitlement.license', code: 'license', message: { es, en } },
  ];
  const none = refusal(
    'No hay una licencia vigente a nombre del cliente.',
    'There is no valid license in the customer’s name.',
  );

  it('needs a license in force: until its end, exclusive, or without an end', () => {
    expect(reasons(decide(licensed, {}))).toEqual(none);
    expect(reasons(decide(licensed, {}, { licenses: [{ trial: false, validUntil: now }] }))).toEqual(none);
    expect(decide(licensed, {}, { licenses: [{ trial: false, validUntil: now + 1 }] }).accepted).toBe(true);
    expect(decide(licensed, {}, { licenses: [{ trial: false }] }).accepted).toBe(true);
    const notRequired = policyWith({ portal: { accepted: true } }, { license: { required: false } });
    expect(decide(notRequired, {}).accepted).toBe(true);
  });

  it('refuses a trial license unless the policy allows trials', () => {
    expect(reasons(decide(licensed, {}, { licenses: [{ trial: true }] }))).toEqual(
      refusal(
        'La licencia es de prueba; se requiere una licencia adquirida.',
        'The license is a trial; a purchased license is required.',
      ),
    );
    const trials = policyWith(
      { portal: { accepted: true } },
      { license: { required: true, allowTrial: true } },
    );
    expect(decide(trials, {}, { licenses: [{ trial: true }] }).accepted).toBe(true);
  });

  it('needs current updates when the policy says so: paid until after now', () => {
    const updates = policyWith(
      { portal: { accepted: true } },
      { license: { required: true, requireCurrentUpdates: true } },
    );
    const stale = refusal(
      'Las actualizaciones de la licencia no están vigentes.',
      'The license’s updates are not current.',
    );
    expect(reasons(decide(updates, {}, { licenses: [{ trial: false }] }))).toEqual(stale);
    expect(reasons(decide(updates, {}, { licenses: [{ trial: false, updatesUntil: now }] }))).toEqual(stale);
    expect(decide(updates, {}, { licenses: [{ trial: false, updatesUntil: now + 1 }] }).accepted).toBe(true);
  });

  it('needs the license in the name of the holder kind the policy names', () => {
    const holder = { kinds: ['public_body'], name: { es: 'un Ente Público', en: 'a public body' } };
    const p = policyWith({ portal: { accepted: true } }, { license: { required: true, holder } });
    const wrongHolder = refusal(
      'La licencia debe estar a nombre de un Ente Público.',
      'The license must be held by a public body.',
    );
    expect(reasons(decide(p, {}, { licenses: [{ trial: false, holderKind: 'company' }] }))).toEqual(
      wrongHolder,
    );
    expect(reasons(decide(p, {}, { licenses: [{ trial: false }] }))).toEqual(wrongHolder);
    expect(decide(p, {}, { licenses: [{ trial: false, holderKind: 'public_body' }] }).accepted).toBe(true);
    // No license in force at all: that is what is said, whoever would hold it.
    expect(reasons(decide(p, {}))).toEqual(none);
    expect(
      reasons(decide(p, {}, { licenses: [{ trial: false, holderKind: 'company', validUntil: now }] })),
    ).toEqual(none);
  });
});

describe('entitlement: supported versions', () => {
  const versionsPolicy = (
    supportedVersions: Record<string, unknown>,
    channel: Record<string, unknown> = {},
  ) => policyWith({ portal: { accepted: true, ...channel } }, { supportedVersions });
  const released = { releasedVersions: ['5.2', '5.1', '5.0'] };

  it('supports the latest N released versions, compared without case or spaces, and names them', () => {
    const p = versionsPolicy({ latest: 2 });
    expect(decide(p, { productVersion: ' 5.1 ' }, released).accepted).toBe(true);
    expect(reasons(decide(p, { productVersion: '5.0' }, released))).toEqual([
      {
        rule: 'entitlement.supportedVersions',
        code: 'unsupported_version',
        message: {
          es: 'La versión 5.0 no tiene soporte; se atienden las 2 últimas versiones (5.2, 5.1).',
          en: 'Version 5.0 is not supported; only the latest 2 versions are (5.2, 5.1).',
        },
      },
    ]);
    expect(reasons(decide(versionsPolicy({ latest: 1 }), { productVersion: '5.0' }))[0]?.message).toEqual({
      es: 'La versión 5.0 no tiene soporte; se atienden las 1 últimas versiones (-).',
      en: 'Version 5.0 is not supported; only the latest 1 versions are (-).',
    });
  });

  it('supports a named set, alone or with the latest ones, and names the whole list', () => {
    const p = versionsPolicy({ latest: 1, versions: ['R3', 'WEB'] });
    expect(decide(p, { productVersion: 'r3' }, released).accepted).toBe(true);
    expect(decide(p, { productVersion: '5.2' }, released).accepted).toBe(true);
    expect(reasons(decide(p, { productVersion: '5.1' }, released))[0]?.message).toEqual({
      es: 'La versión 5.1 no tiene soporte; se atienden las versiones 5.2, R3, WEB.',
      en: 'Version 5.1 is not supported; supported versions: 5.2, R3, WEB.',
    });
  });

  it('asks for the version when it is required and blank, unless the channel already asks for it', () => {
    const asked = [
      {
        rule: 'entitlement.supportedVersions',
        code: 'missing_field',
        message: { es: 'Indique la versión del producto.', en: 'Please state the product version.' },
      },
    ];
    expect(reasons(decide(versionsPolicy({ latest: 2 }), {}, released))).toEqual(asked);
    expect(reasons(decide(versionsPolicy({ latest: 2 }), { productVersion: '  ' }, released))).toEqual(asked);
    expect(decide(versionsPolicy({ latest: 2, required: false }), {}, released).accepted).toBe(true);
    const byChannel = versionsPolicy({ latest: 2 }, { requiredFields: ['productVersion'] });
    expect(reasons(decide(byChannel, {}, released)).map((r) => r.rule)).toEqual([
      'channels.portal.requiredFields',
    ]);
  });
});

describe('entitlement: authorized requesters', () => {
  const p = policyWith(
    {
      portal: { accepted: true },
      email: { accepted: true },
      phone: { accepted: true, identifyBy: 'name' },
      oncall_phone: { accepted: true, identifyBy: 'name' },
    },
    { authorizedRequesters: true },
  );
  // The person without an email comes first: an email match must skip them, not compare `undefined`.
  const people = {
    authorizedRequesters: [{ name: 'Luis Gómez' }, { name: 'Ana Pérez', email: 'ana@cliente.gt' }],
  };

  it('matches written channels by email, without case, and does not list the contract’s people', () => {
    expect(decide(p, { requesterEmail: 'ANA@cliente.gt' }, people).accepted).toBe(true);
    expect(reasons(decide(p, { channel: 'email', requesterEmail: 'otro@x.com' }, people))).toEqual([
      {
        rule: 'entitlement.authorizedRequesters',
        code: 'unauthorized_requester',
        message: {
          es: 'La cuenta otro@x.com no está autorizada para solicitar soporte.',
          en: 'The account otro@x.com is not authorized to request support.',
        },
      },
    ]);
    // A name is not an email: an authorized person's name on a written channel is not enough.
    expect(reasons(decide(p, { requesterName: 'Ana Pérez' }, people))[0]?.message).toEqual({
      es: 'La cuenta (sin correo) no está autorizada para solicitar soporte.',
      en: 'The account (no email) is not authorized to request support.',
    });
  });

  it('matches phone callers by name and tells staff who may ask instead', () => {
    expect(decide(p, { channel: 'phone', requesterName: ' luis  gomez' }, people).accepted).toBe(true);
    const list = 'Luis Gómez, Ana Pérez';
    for (const channel of ['phone', 'oncall_phone'] as const) {
      expect(reasons(decide(p, { channel, requesterName: 'Pedro' }, people))).toEqual([
        {
          rule: 'entitlement.authorizedRequesters',
          code: 'unauthorized_requester',
          message: {
            es: `Pedro no figura entre las personas autorizadas para solicitar soporte. Personas autorizadas en este contrato: ${list}.`,
            en: `Pedro is not among the people authorized to request support. Authorized for this contract: ${list}.`,
          },
        },
      ]);
    }
    expect(reasons(decide(p, { channel: 'phone', requesterEmail: 'ana@cliente.gt' }))[0]?.message).toEqual({
      es: '(sin nombre) no figura entre las personas autorizadas para solicitar soporte.',
      en: '(no name) is not among the people authorized to request support.',
    });
  });
});

describe('entitlement: trained users', () => {
  const trainedOn = (trainedUsers: unknown) => policyWith({ portal: { accepted: true } }, { trainedUsers });
  const trained = {
    trainedUsers: [
      { name: 'Sin correo', modules: ['Nómina', 'implementacion'] },
      { email: 'ana@cliente.gt', modules: ['Nómina', 'implementacion'] },
    ],
  };
  const ana = { requesterEmail: 'ana@cliente.gt' };

  it('needs the ticket module’s course when the policy says `true`', () => {
    const p = trainedOn(true);
    expect(decide(p, { ...ana, module: 'nomina' }, trained).accepted).toBe(true);
    expect(reasons(decide(p, { ...ana, module: 'Contabilidad' }, trained))).toEqual([
      {
        rule: 'entitlement.trainedUsers',
        code: 'untrained_user',
        message: {
          es: 'El usuario debe estar capacitado en el módulo Contabilidad.',
          en: 'The user must be trained in module Contabilidad.',
        },
      },
    ]);
    expect(reasons(decide(p, ana, trained))[0]?.message).toEqual({
      es: 'El usuario debe estar capacitado en el módulo (no indicado).',
      en: 'The user must be trained in module (not given).',
    });
    expect(decide(p, { requesterEmail: 'otro@cliente.gt', module: 'Nómina' }, trained).accepted).toBe(false);
    expect(decide(trainedOn(false), {}).accepted).toBe(true);
  });

  it('needs every listed course, and the module’s unless `ticketModule` is false', () => {
    const p = trainedOn({ courses: ['Implementación'] });
    expect(decide(p, { ...ana, module: 'Nómina' }, trained).accepted).toBe(true);
    const withoutCourse = { trainedUsers: [{ email: 'ana@cliente.gt', modules: ['Nómina'] }] };
    expect(reasons(decide(p, { ...ana, module: 'Nómina' }, withoutCourse))[0]?.message).toEqual({
      es: 'El usuario debe haber tomado los cursos: Implementación y el del módulo Nómina.',
      en: 'The user must have taken the courses: Implementación and that of module Nómina.',
    });
    expect(reasons(decide(p, { ...ana, module: 'Ventas' }, trained))[0]?.code).toBe('untrained_user');
    expect(reasons(decide(p, ana, withoutCourse))[0]?.message).toEqual({
      es: 'El usuario debe haber tomado los cursos: Implementación y el del módulo (no indicado).',
      en: 'The user must have taken the courses: Implementación and that of module (not given).',
    });

    const coursesOnly = trainedOn({ courses: ['Implementación'], ticketModule: false });
    expect(decide(coursesOnly, ana, trained).accepted).toBe(true);
    expect(reasons(decide(coursesOnly, ana, withoutCourse))[0]?.message).toEqual({
      es: 'El usuario debe haber tomado los cursos: Implementación.',
      en: 'The user must have taken the courses: Implementación.',
    });
  });
});

describe('types, categories, plans and quota', () => {
  it('names an unknown request type and the valid ones, and an unknown category', () => {
    expect(reasons(decide(portalOnly, { type: 'bug', category: 'hardware' }))).toEqual([
      {
        rule: 'ticketTypes',
        code: 'unknown_type',
        message: {
          es: 'Tipo de solicitud desconocido "bug" (válidos: error, question, service).',
          en: 'Unknown request type "bug" (valid: error, question, service).',
        },
      },
      {
        rule: 'categories',
        code: 'unknown_category',
        message: { es: 'Categoría desconocida "hardware".', en: 'Unknown category "hardware".' },
      },
    ]);
    const allRouted = { ...portalOnly, categories: portalOnly.categories.filter((c) => c.routedTo) };
    expect(reasons(decide(allRouted, { category: undefined }))[0]?.message).toEqual({
      es: 'Categoría desconocida "".',
      en: 'Unknown category "".',
    });
  });

  it('routes a category elsewhere even when nothing else is wrong', () => {
    const d = decide(portalOnly, { category: 'new_terminal' });
    expect(d).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'categories.new_terminal.routedTo', code: 'routed_elsewhere' }],
      routedTo: { team: 'sales' },
    });
    expect(reasons(decide(portalOnly, {}))).toEqual([]);
    expect(decide(portalOnly, {})).not.toHaveProperty('routedTo');
  });

  it('needs a plan, a known one, in its period [start, end)', () => {
    expect(reasons(decide(portalOnly, {}, { planId: null }))).toEqual([
      {
        rule: 'entitlement.requirePlan',
        code: 'no_plan',
        message: {
          es: 'Se requiere un plan de soporte activo para recibir atención.',
          en: 'An active support plan is required.',
        },
      },
    ]);
    expect(reasons(decide(portalOnly, {}, { planId: 'gold' }))).toEqual([
      {
        rule: 'plans',
        code: 'unknown_plan',
        message: { es: 'Plan desconocido "gold".', en: 'Unknown plan "gold".' },
      },
    ]);
    const c = contractFor(portalOnly);
    const outside = [
      {
        rule: 'entitlement.requirePlan',
        code: 'outside_period',
        message: {
          es: 'El plan no está vigente (periodo 2026-11-01 a 2026-12-01).',
          en: 'The plan is not current (period 2026-11-01 to 2026-12-01).',
        },
      },
    ];
    expect(reasons(decide(portalOnly, {}, {}, c.periodEnd))).toEqual(outside);
    expect(reasons(decide(portalOnly, {}, {}, c.periodStart - 1))).toEqual(outside);
    expect(decide(portalOnly, {}, {}, c.periodStart)).toMatchObject({
      accepted: true,
      quota: { kind: 'plan' },
    });
    expect(decide(portalOnly, {}, {}, c.periodEnd - 1)).toMatchObject({
      accepted: true,
      quota: { kind: 'plan' },
    });
  });

  it('serves without a plan when the policy does not require one, consuming nothing', () => {
    const free = policyWith({ portal: { accepted: true } }, { requirePlan: false });
    expect(decide(free, {}, { planId: null })).toMatchObject({ accepted: true, quota: { kind: 'exempt' } });
    expect(decide(free, {}, { planId: 'gold' })).toMatchObject({ accepted: true, quota: { kind: 'exempt' } });
    // With a plan it still consumes from it.
    expect(decide(free, {}, { planId: 'basic', quotaUsed: 2 })).toMatchObject({
      accepted: true,
      quota: { kind: 'plan', remainingAfter: 2 },
    });
  });

  it('says the quota is used up, offering an add-on only when the policy sells them', () => {
    expect(reasons(decide(portalOnly, {}, { planId: 'basic', quotaUsed: 5 }))).toEqual([
      {
        rule: 'plans.basic.quota',
        code: 'quota_exhausted',
        message: {
          es: 'Se agotaron los 5 tickets del periodo y no hay paquetes adicionales vigentes; puede adquirir un plan adicional.',
          en: 'All 5 tickets of the period are used and no add-on pack is active; an add-on can be bought.',
        },
      },
    ]);
    const noPacks = { ...portalOnly, addOnPacks: [] };
    expect(reasons(decide(noPacks, {}, { planId: 'basic', quotaUsed: 5 }))[0]?.message).toEqual({
      es: 'Se agotaron los 5 tickets del periodo y no hay paquetes adicionales vigentes.',
      en: 'All 5 tickets of the period are used and no add-on pack is active.',
    });
  });

  it('consumes nothing for a quota-exempt type or category, even with the quota used up', () => {
    const exemptType = {
      ...portalOnly,
      ticketTypes: portalOnly.ticketTypes.map((t) =>
        t.id === 'question' ? { ...t, quota: 'exempt' as const } : t,
      ),
    };
    const used = { planId: 'basic', quotaUsed: 5 };
    expect(decide(exemptType, { type: 'question' }, used)).toMatchObject({
      accepted: true,
      quota: { kind: 'exempt' },
    });
    expect(decide(exemptType, { type: 'error' }, used).accepted).toBe(false);
    expect(decide(portalOnly, { category: 'administrative' }, used)).toMatchObject({
      accepted: true,
      quota: { kind: 'exempt' },
    });
    // Served without a plan but the customer has one: still exempt (the category is).
    expect(decide(portalOnly, { category: 'administrative' }, { planId: null })).toMatchObject({
      accepted: true,
      quota: { kind: 'exempt' },
    });
  });

  it('a category served without a plan but consuming quota consumes the plan when there is one', () => {
    const consuming = {
      ...portalOnly,
      categories: portalOnly.categories.map((c) =>
        c.id === 'administrative' ? { ...c, quota: 'consume' as const } : c,
      ),
    };
    expect(decide(consuming, { category: 'administrative' }, { planId: null })).toMatchObject({
      accepted: true,
      quota: { kind: 'exempt' },
    });
    expect(decide(consuming, { category: 'administrative' }, { planId: 'basic' })).toMatchObject({
      accepted: true,
      quota: { kind: 'plan' },
    });
    expect(
      decide(consuming, { category: 'administrative' }, { planId: 'basic', quotaUsed: 5 }),
    ).toMatchObject({
      accepted: false,
    });
  });

  it('accepts with the category, its advice and the contract’s calendar', () => {
    const advice = { es: 'Consulte primero al distribuidor.', en: 'Ask the distributor first.' };
    const withAdvice = {
      ...portalOnly,
      categories: portalOnly.categories.map((c) => (c.id === 'support' ? { ...c, advice } : c)),
      calendars: { ...portalOnly.calendars, always: portalOnly.calendars.business! },
      onCallCalendar: 'always',
    };
    expect(decide(withAdvice, {})).toEqual({
      accepted: true,
      category: 'support',
      calendarId: 'business',
      quota: { kind: 'plan', planId: 'basic', expiresAt: at('2026-12-01T00:00Z'), remainingAfter: 4 },
      advice,
    });
    expect(decide(withAdvice, {}, { options: { onCall24x7: true, systemOperator: false } })).toMatchObject({
      accepted: true,
      calendarId: 'always',
    });
    expect(decide(portalOnly, {})).not.toHaveProperty('advice');
  });

  it('an unlimited plan consumes nothing; an unknown plan has no quota', () => {
    const unlimited = { ...portalOnly, plans: portalOnly.plans.map((p) => ({ ...p, quota: null })) };
    expect(chooseQuota(unlimited, contractFor(unlimited, { quotaUsed: 99 }), now)).toEqual({
      kind: 'unlimited',
    });
    expect(decide(unlimited, {}, { quotaUsed: 99 })).toMatchObject({
      accepted: true,
      quota: { kind: 'unlimited' },
    });
    expect(chooseQuota(portalOnly, contractFor(portalOnly, { planId: 'gold' }), now)).toBeUndefined();
  });

  it('uses the plan within [periodStart, periodEnd) and its last ticket; a pack within [purchase, expiry)', () => {
    const c = contractFor(portalOnly, { planId: 'basic', quotaUsed: 4 });
    expect(chooseQuota(portalOnly, c, c.periodStart)).toMatchObject({ kind: 'plan', remainingAfter: 0 });
    expect(chooseQuota(portalOnly, c, c.periodStart - 1)).toBeUndefined();
    expect(chooseQuota(portalOnly, c, c.periodEnd)).toBeUndefined();
    const pack = {
      id: 'p1',
      packId: 'monthly_addon',
      purchasedAt: now,
      expiresAt: now + 30 * D,
      remaining: 1,
    };
    const used = contractFor(portalOnly, { planId: 'basic', quotaUsed: 5, packs: [pack] });
    expect(chooseQuota(portalOnly, used, now)).toEqual({
      kind: 'pack',
      purchaseId: 'p1',
      packId: 'monthly_addon',
      expiresAt: now + 30 * D,
      remainingAfter: 0,
    });
    expect(chooseQuota(portalOnly, used, now - 1)).toBeUndefined();
    expect(chooseQuota(portalOnly, used, now + 30 * D)).toBeUndefined();
  });
});

describe('who a draft names, and its category', () => {
  const contract = contractFor(sisnova, {
    authorizedRequesters: [{ name: 'Luis Gómez' }, { name: 'Ana Pérez', email: 'Ana@Cliente.gt' }],
  });

  it('finds the requester by email when the draft has one, else by name', () => {
    expect(requesterOnFile(contract, { requesterEmail: ' ana@cliente.GT ' })?.name).toBe('Ana Pérez');
    expect(
      requesterOnFile(contract, { requesterEmail: 'luis@cliente.gt', requesterName: 'Luis Gómez' }),
    ).toBe(undefined);
    expect(requesterOnFile(contract, { requesterEmail: '  ', requesterName: ' luis gomez ' })?.name).toBe(
      'Luis Gómez',
    );
    expect(requesterOnFile(contract, { requesterName: 'Pedro' })).toBeUndefined();
    expect(requesterOnFile(contract, { requesterName: '  ' })).toBeUndefined();
    expect(requesterOnFile(contract, {})).toBeUndefined();
  });

  it('files a draft under its own category, or the first one not routed elsewhere', () => {
    expect(draftCategory(sisnova, { category: 'administrative' })?.id).toBe('administrative');
    expect(draftCategory(sisnova, { category: 'hardware' })).toBeUndefined();
    const routedFirst = { ...sisnova, categories: [...sisnova.categories].reverse() };
    expect(draftCategory(routedFirst, {})?.id).toBe('administrative');
  });
});

describe('intake: the survivors of the first mutation run', () => {
  it('gives no opening instant when none is known within two weeks', () => {
    const mondays = CalendarSchema.parse({
      zone: 'America/Guatemala',
      businessDayHours: 9,
      weekly: [{ days: ['mon'], from: '08:00', to: '17:00' }],
      holidays: [{ date: '2026-11-23' }, { date: '2026-11-30' }],
    });
    const p = policyWith(
      { chat: { accepted: true, openDuring: 'mondays' } },
      {},
      { calendars: { ...sisnova.calendars, mondays } },
    );
    expect(reasons(decide(p, { channel: 'chat' }, {}, saturday))[0]).not.toHaveProperty('opensAt');
  });

  it('names a fixed set of versions without speaking of the latest ones', () => {
    const p = policyWith({ portal: { accepted: true } }, { supportedVersions: { versions: ['R3', 'WEB'] } });
    expect(reasons(decide(p, { productVersion: 'R2' }))[0]?.message).toEqual({
      es: 'La versión R2 no tiene soporte; se atienden las versiones R3, WEB.',
      en: 'Version R2 is not supported; supported versions: R3, WEB.',
    });
  });

  it('identifies by email on a channel the policy does not offer', () => {
    const p = policyWith({ portal: { accepted: true } }, { authorizedRequesters: true });
    const refused = reasons(decide(p, { channel: 'api', requesterEmail: 'x@y.gt', requesterName: 'X' }));
    expect(refused.map((r) => r.message.en)).toEqual([
      'The api channel is not offered for support.',
      'The account x@y.gt is not authorized to request support.',
    ]);
  });

  it('lists every course needed, comma-separated', () => {
    const p = policyWith(
      { portal: { accepted: true } },
      { trainedUsers: { courses: ['Implementación', 'Seguridad'], ticketModule: false } },
    );
    expect(reasons(decide(p, { requesterEmail: 'ana@cliente.gt' }))[0]?.message.es).toBe(
      'El usuario debe haber tomado los cursos: Implementación, Seguridad.',
    );
  });

  it('throws when the contract is served under another policy', () => {
    const c = { ...contractFor(sisnova), policyId: 'w32' };
    expect(() => decideIntake(sisnova, c, draft({ channel: 'portal' }), now)).toThrow(/w32@1, not sisnova@1/);
  });
});
