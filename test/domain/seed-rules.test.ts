import { describe, expect, it } from 'vitest';
import { decideIntake } from '../../domain/intake';
import { validatePolicy } from '../../domain/policy/load';
import { loadPreset } from '../../policies';
import { at, contractFor, draft } from './helpers';

// Rules of the five seeds that the presets encoded wrongly or could not say (issue 14).

describe('paygroup: third-party questions are advice, not an exclusion (defect 6)', () => {
  // seed 000: "Si tienes una duda sobre el software de un tercero que interactúa con nuestro sistema, es
  // recomendable que contacte al distribuidor antes de contactar el Soporte Técnico de PayGroup."
  const paygroup = loadPreset('paygroup');
  const now = at('2026-11-24T10:00-03:00');
  const question = draft({
    channel: 'portal',
    type: 'question',
    category: 'third_party',
    subject: 'Timeout del core bancario',
    description: 'El core devuelve timeout al consultar saldos.',
  });

  it('accepts the ticket and carries the advice for the acknowledgement', () => {
    const decision = decideIntake(paygroup, contractFor(paygroup), question, now);
    expect(decision).toMatchObject({ accepted: true, category: 'third_party' });
    if (!decision.accepted) return;
    expect(decision.advice?.es).toContain('distribuidor');
    expect(decision.advice?.en).toContain('distributor');
  });

  it('still refuses what the seed excludes ("No están incluidos ... Fallas en el software de base")', () => {
    const decision = decideIntake(
      paygroup,
      contractFor(paygroup),
      { ...question, category: 'base_software' },
      now,
    );
    expect(decision).toMatchObject({ accepted: false, reasons: [{ code: 'routed_elsewhere' }] });
  });
});

describe('sisnova: supported versions are a fixed set (defect 7)', () => {
  // seed 003: "Ofrecemos soporte para los siguientes productos: INVEX ERP · Versiones R3 y R4 · Versión WEB (Cameyo)"
  const sisnova = loadPreset('sisnova');
  const now = at('2026-11-20T10:00-06:00');
  const contract = contractFor(sisnova, { planId: 'basic', releasedVersions: ['R5', 'R4', 'R3', 'R2'] });
  const ticket = (productVersion?: string) =>
    draft({
      channel: 'portal',
      category: 'support',
      subject: 'Error',
      description: 'No imprime',
      ...(productVersion !== undefined && { productVersion }),
    });

  it('accepts R3, R4 and WEB (any case) and refuses every other version, naming the set', () => {
    for (const v of ['R3', 'R4', 'WEB', 'web']) {
      expect(decideIntake(sisnova, contract, ticket(v), now).accepted).toBe(true);
    }
    for (const v of ['R2', 'R5']) {
      const decision = decideIntake(sisnova, contract, ticket(v), now);
      expect(decision).toMatchObject({ accepted: false, reasons: [{ code: 'unsupported_version' }] });
      if (decision.accepted) continue;
      expect(decision.reasons[0]!.message.es).toBe(
        `La versión ${v} no tiene soporte; se atienden las versiones R3, R4, WEB.`,
      );
    }
  });

  it('accepts a ticket that names no version (the mobile apps and custom developments have none)', () => {
    expect(decideIntake(sisnova, contract, ticket(), now).accepted).toBe(true);
  });

  it('needs latest, versions or both', () => {
    const policy = structuredClone(sisnova) as unknown as Record<string, unknown>;
    policy.entitlement = { requirePlan: true, supportedVersions: { required: true } };
    const result = validatePolicy(policy);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual({
      path: 'entitlement.supportedVersions',
      message: 'needs latest, versions or both',
    });
  });
});

describe('indetec: prerequisites the policy language now says', () => {
  const indetec = loadPreset('indetec');
  const now = at('2026-11-24T10:00-06:00');
  const base = {
    planId: 'annual',
    periodStart: at('2026-01-01T00:00-06:00'),
    periodEnd: at('2027-01-01T00:00-06:00'),
    releasedVersions: ['2026', '2025', '2024'],
    licenses: [
      {
        trial: false,
        holder: 'Municipio de Zapopan',
        holderKind: 'public_entity',
        updatesUntil: at('2027-01-01T00:00Z'),
      },
    ],
    trainedUsers: [{ name: 'Laura Hernández', modules: ['Implementación', 'Contabilidad'] }],
  };
  const call = draft({
    channel: 'phone',
    type: 'technical',
    requesterName: 'Laura Hernández',
    company: 'Municipio de Zapopan',
    module: 'Contabilidad',
    productVersion: '2026',
    selfHelpConsulted: true,
  });
  const codes = (overrides: Record<string, unknown>) => {
    const decision = decideIntake(indetec, contractFor(indetec, { ...base, ...overrides }), call, now);
    return decision.accepted ? [] : decision.reasons.map((r) => `${r.code}: ${r.message.es}`);
  };

  it('accepts a trained user with a public body’s purchased, updated license', () => {
    expect(codes({})).toEqual([]);
  });

  // seed 001: "El usuario debe estar capacitado, haber participado en el Curso de Implementación del SAACG.NET
  // así como en el curso del módulo al que corresponde su duda."
  it('needs both courses: the implementation course and the module’s', () => {
    const onlyModule = [{ name: 'Laura Hernández', modules: ['Contabilidad'] }];
    const onlyImplementation = [{ name: 'Laura Hernández', modules: ['Implementacion'] }];
    const refusal =
      'untrained_user: El usuario debe haber tomado los cursos: Implementación y el del módulo Contabilidad.';
    expect(codes({ trainedUsers: onlyModule })).toEqual([refusal]);
    expect(codes({ trainedUsers: onlyImplementation })).toEqual([refusal]);
  });

  // seed 001: "El Usuario deberá tener una licencia adquirida, a nombre de un Ente Público (no de prueba) con sus
  // actualizaciones vigentes."
  it('needs the license in the name of a public body', () => {
    const company = [
      {
        trial: false,
        holder: 'Consultores SA',
        holderKind: 'company',
        updatesUntil: at('2027-01-01T00:00Z'),
      },
    ];
    expect(codes({ licenses: company })).toEqual([
      'license: La licencia debe estar a nombre de un Ente Público.',
    ]);
    const unknown = [{ trial: false, holder: 'Municipio', updatesUntil: at('2027-01-01T00:00Z') }];
    expect(codes({ licenses: unknown })).toHaveLength(1);
  });
});

describe('quota exemption by ticket type', () => {
  it('a type marked quota: exempt consumes nothing even in a consuming category', () => {
    const sisnova = loadPreset('sisnova');
    const policy = {
      ...sisnova,
      ticketTypes: sisnova.ticketTypes.map((t) =>
        t.id === 'question' ? { ...t, quota: 'exempt' as const } : t,
      ),
    };
    const contract = contractFor(policy, { planId: 'basic', quotaUsed: 5 });
    const now = at('2026-11-20T10:00-06:00');
    const ticket = (type: string) =>
      draft({ channel: 'portal', type, category: 'support', subject: 'Duda', description: 'Cómo se anula' });
    expect(decideIntake(policy, contract, ticket('question'), now)).toMatchObject({
      accepted: true,
      quota: { kind: 'exempt' },
    });
    expect(decideIntake(policy, contract, ticket('error'), now)).toMatchObject({
      accepted: false,
      reasons: [{ code: 'quota_exhausted' }],
    });
  });

  it('indetec’s administrative questions are quota-exempt', () => {
    expect(loadPreset('indetec').ticketTypes.find((t) => t.id === 'administrative')?.quota).toBe('exempt');
  });
});
