/**
 * The contract snapshot and ticket draft schemas: what a minimal input becomes (the defaults every rule
 * then reads), and the display names of metrics and priorities.
 */
import { describe, expect, it } from 'vitest';
import {
  AuthorizedRequesterSchema,
  ContractSnapshotSchema,
  METRIC_NAMES,
  PRIORITY_NAMES,
  TicketDraftSchema,
} from '../../domain/index';

describe('contract snapshot defaults', () => {
  it('a minimal snapshot has no quota used, no packs, no options, licences, versions, requesters or trained users', () => {
    const parsed = ContractSnapshotSchema.parse({
      customerId: 'acme',
      policyId: 'w32',
      policyVersion: 1,
      planId: null,
      periodStart: 0,
      periodEnd: 1,
    });
    expect(parsed).toEqual({
      customerId: 'acme',
      policyId: 'w32',
      policyVersion: 1,
      planId: null,
      periodStart: 0,
      periodEnd: 1,
      quotaUsed: 0,
      packs: [],
      options: { onCall24x7: false, systemOperator: false },
      licenses: [],
      releasedVersions: [],
      authorizedRequesters: [],
      trainedUsers: [],
    });
  });

  it('an options object that names one option leaves the other off', () => {
    const base = {
      customerId: 'a',
      policyId: 'p',
      policyVersion: 1,
      planId: 'x',
      periodStart: 0,
      periodEnd: 1,
    };
    expect(ContractSnapshotSchema.parse({ ...base, options: { onCall24x7: true } }).options).toEqual({
      onCall24x7: true,
      systemOperator: false,
    });
    expect(ContractSnapshotSchema.parse({ ...base, options: { systemOperator: true } }).options).toEqual({
      onCall24x7: false,
      systemOperator: true,
    });
  });

  it('a requester has no portal user unless it says so', () => {
    expect(AuthorizedRequesterSchema.parse({ name: 'Ana' })).toEqual({ name: 'Ana', portalUser: false });
    expect(AuthorizedRequesterSchema.parse({ name: 'Ana', portalUser: true }).portalUser).toBe(true);
  });

  it("a draft's priority is medium unless asked", () => {
    expect(TicketDraftSchema.parse({ channel: 'portal' }).priority).toBe('medium');
    expect(TicketDraftSchema.parse({ channel: 'portal', priority: 'high' }).priority).toBe('high');
  });
});

describe('display names', () => {
  it('names every metric and priority in Spanish and English', () => {
    expect(METRIC_NAMES).toEqual({
      firstResponse: { es: 'Primera respuesta', en: 'First response' },
      nextUpdate: { es: 'Siguiente actualización', en: 'Next update' },
      resolution: { es: 'Resolución', en: 'Resolution' },
    });
    expect(PRIORITY_NAMES).toEqual({
      low: { es: 'baja', en: 'low' },
      medium: { es: 'media', en: 'medium' },
      high: { es: 'alta', en: 'high' },
      critical: { es: 'crítica', en: 'critical' },
    });
  });
});
