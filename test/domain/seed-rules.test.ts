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
