/**
 * Intake: is a ticket draft accepted under a policy and contract at an instant, and which quota
 * does it consume? Every refusal reason is reported (not just the first), each naming the policy
 * rule it comes from, in Spanish and English.
 */
import type { AuthorizedRequester, ContractSnapshot, TicketDraft } from './contract';
import { businessClock, isOpen, nextOpen } from './calendar/business-time';
import { formatLocal } from './calendar/zone';
import { expandCalendar } from './calendar/expand';
import { calendarById, calendarFor, categoryById, planById } from './policy/rules';
import type { Category, Channel, DraftField, Policy, Text } from './policy/schema';

const DAY_MS = 86_400_000;

/** Why a draft is refused. */
export type RefusalCode =
  | 'channel_not_offered'
  | 'channel_refused'
  | 'channel_option_missing'
  | 'channel_portal_user'
  | 'channel_closed'
  | 'missing_field'
  | 'attachments_missing'
  | 'unknown_type'
  | 'unknown_category'
  | 'routed_elsewhere'
  | 'no_plan'
  | 'unknown_plan'
  | 'outside_period'
  | 'license'
  | 'unsupported_version'
  | 'unauthorized_requester'
  | 'untrained_user'
  | 'quota_exhausted';

/** One refusal reason: the rule (dotted path in the policy), a code, and the answer in es and en. */
export interface Refusal {
  /** Path of the policy rule, e.g. `channels.email` or `plans.basic.quota`. */
  readonly rule: string;
  /** Machine-readable reason. */
  readonly code: RefusalCode;
  /** The answer for the requester. */
  readonly message: Text;
  /** `channel_closed`: when the channel opens next (epoch ms), when known within two weeks. */
  readonly opensAt?: number;
}

/** Which quota an accepted ticket consumes. */
export type QuotaUse =
  /** Category exempt from quota (or served without a plan): consumes nothing. */
  | { readonly kind: 'exempt' }
  /** Plan without a ticket limit: consumes nothing. */
  | { readonly kind: 'unlimited' }
  /** One ticket of the plan's current period. */
  | {
      readonly kind: 'plan';
      readonly planId: string;
      readonly expiresAt: number;
      readonly remainingAfter: number;
    }
  /** One ticket of an add-on pack. */
  | {
      readonly kind: 'pack';
      readonly purchaseId: string;
      readonly packId: string;
      readonly expiresAt: number;
      readonly remainingAfter: number;
    };

/** The intake decision. */
export type IntakeDecision =
  | {
      readonly accepted: true;
      /** Category id the ticket is filed under (the draft's, or the policy's default). */
      readonly category: string;
      /** Calendar id its SLA clocks run on. */
      readonly calendarId: string;
      /** Quota consumed. */
      readonly quota: QuotaUse;
      /** The category's advice, for the acknowledgement. */
      readonly advice?: Text;
    }
  | {
      readonly accepted: false;
      /** Every reason, in the order the rules are checked. */
      readonly reasons: readonly Refusal[];
      /** Set when the category is handled by another team (e.g. sales). */
      readonly routedTo?: { readonly team: string; readonly answer: Text };
    };

/** How people call each channel. */
const channelNames: Record<Channel, Text> = {
  portal: { es: 'del portal', en: 'portal' },
  email: { es: 'de correo', en: 'email' },
  phone: { es: 'telefónico', en: 'phone' },
  oncall_phone: { es: 'de guardia telefónica', en: 'on-call phone' },
  chat: { es: 'de chat', en: 'chat' },
  whatsapp: { es: 'de WhatsApp', en: 'WhatsApp' },
  api: { es: 'de integración (API)', en: 'API' },
};

/** How far ahead a closed channel's next opening is looked for. */
const NEXT_OPENING_DAYS = 14;

const FIELD_NAMES: Record<DraftField, Text> = {
  company: { es: 'razón social', en: 'company' },
  requesterName: { es: 'nombre del solicitante', en: 'requester name' },
  requesterEmail: { es: 'correo del solicitante', en: 'requester email' },
  contactPhone: { es: 'número de contacto', en: 'contact number' },
  subject: { es: 'asunto', en: 'subject' },
  description: { es: 'descripción', en: 'description' },
  type: { es: 'tipo de solicitud', en: 'request type' },
  category: { es: 'categoría', en: 'category' },
  productVersion: { es: 'versión del producto', en: 'product version' },
  module: { es: 'módulo', en: 'module' },
  attachments: { es: 'adjuntos', en: 'attachments' },
  selfHelpConsulted: {
    es: 'consulta previa de los recursos de autoayuda',
    en: 'self-help resources consulted first',
  },
};

/** Lower-case, accent-free, single-spaced form for comparing names and emails. */
export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ');
}

/**
 * The contract's authorized-requester record of the person a draft names: by email when the draft
 * has one, else by name (phone intake, where staff write down who called).
 */
export function requesterOnFile(
  contract: Pick<ContractSnapshot, 'authorizedRequesters'>,
  draft: Pick<TicketDraft, 'requesterEmail' | 'requesterName'>,
): AuthorizedRequester | undefined {
  const email = draft.requesterEmail?.trim();
  if (email) {
    return contract.authorizedRequesters.find(
      (r) => r.email !== undefined && normalizeName(r.email) === normalizeName(email),
    );
  }
  const name = draft.requesterName?.trim();
  if (!name) return undefined;
  return contract.authorizedRequesters.find((r) => normalizeName(r.name) === normalizeName(name));
}

function hasField(draft: TicketDraft, field: DraftField): boolean {
  if (field === 'attachments') return draft.attachments > 0;
  if (field === 'selfHelpConsulted') return draft.selfHelpConsulted === true;
  const value = draft[field];
  return typeof value === 'string' && value.trim() !== '';
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function checkChannel(
  policy: Policy,
  contract: ContractSnapshot,
  draft: TicketDraft,
  now: number,
): Refusal[] {
  const channel: Channel = draft.channel;
  const rule = policy.channels[channel];
  const path = `channels.${channel}`;
  if (rule === undefined) {
    return [
      {
        rule: path,
        code: 'channel_not_offered',
        message: {
          es: `El canal ${channel} no está habilitado para soporte.`,
          en: `The ${channel} channel is not offered for support.`,
        },
      },
    ];
  }
  if (!rule.accepted) {
    return [
      {
        rule: path,
        code: 'channel_refused',
        message: rule.refusal ?? { es: 'Canal no aceptado.', en: 'Channel not accepted.' },
      },
    ];
  }
  const out: Refusal[] = [];
  if (rule.requiresOption !== undefined && !contract.options[rule.requiresOption]) {
    out.push({
      rule: `${path}.requiresOption`,
      code: 'channel_option_missing',
      message: rule.refusal ?? {
        es: `El canal ${channel} requiere la opción contratada ${rule.requiresOption}.`,
        en: `The ${channel} channel requires the contracted option ${rule.requiresOption}.`,
      },
    });
  }
  if (rule.onlyWithoutPortalUser && draft.requesterEmail !== undefined) {
    const email = normalizeName(draft.requesterEmail);
    const person = contract.authorizedRequesters.find(
      (r) => r.email !== undefined && normalizeName(r.email) === email,
    );
    if (person?.portalUser === true) {
      out.push({
        rule: `${path}.onlyWithoutPortalUser`,
        code: 'channel_portal_user',
        message: rule.refusal ?? {
          es: 'Usted tiene usuario en el portal: registre su solicitud allí.',
          en: 'You have a portal user: please file your request there.',
        },
      });
    }
  }
  if (rule.openDuring !== undefined) {
    const { calendar } = calendarById(policy, rule.openDuring);
    const clock = businessClock(
      expandCalendar(calendar, now - DAY_MS, now + NEXT_OPENING_DAYS * DAY_MS),
      draft.priority,
    );
    if (!isOpen(clock, now)) {
      const closed = rule.refusal ?? {
        es: `El canal ${channelNames[channel].es} está fuera de horario.`,
        en: `The ${channelNames[channel].en} channel is closed now.`,
      };
      // What to do next: when the channel opens again, in the calendar's own zone.
      const opens = nextOpen(clock, now);
      const when =
        opens === undefined ? undefined : { at: formatLocal(calendar.zone, opens), zone: calendar.zone };
      out.push({
        rule: `${path}.openDuring`,
        code: 'channel_closed',
        message:
          when === undefined
            ? closed
            : {
                es: `${closed.es} Vuelve a atender el ${when.at} (${when.zone}).`,
                en: `${closed.en} It opens again on ${when.at} (${when.zone}).`,
              },
        ...(opens !== undefined && { opensAt: opens }),
      });
    }
  }
  for (const field of rule.requiredFields) {
    if (hasField(draft, field)) continue;
    const name = FIELD_NAMES[field];
    out.push({
      rule: `${path}.requiredFields`,
      code: 'missing_field',
      message: { es: `Falta el dato requerido: ${name.es}.`, en: `Missing required field: ${name.en}.` },
    });
  }
  if (draft.attachments < rule.minAttachments) {
    out.push({
      rule: `${path}.minAttachments`,
      code: 'attachments_missing',
      message: {
        es: `Adjunte al menos ${rule.minAttachments} imagen(es) que ilustren la solicitud.`,
        en: `Attach at least ${rule.minAttachments} image(s) illustrating the request.`,
      },
    });
  }
  return out;
}

/** The category a draft is filed under: its own, or the first category not routed elsewhere. */
export function draftCategory(policy: Policy, draft: Pick<TicketDraft, 'category'>): Category | undefined {
  if (draft.category !== undefined) return categoryById(policy, draft.category);
  return policy.categories.find((c) => c.routedTo === undefined);
}

function checkEntitlement(
  policy: Policy,
  contract: ContractSnapshot,
  draft: TicketDraft,
  now: number,
): Refusal[] {
  const e = policy.entitlement;
  const out: Refusal[] = [];
  const requiredByChannel = policy.channels[draft.channel]?.requiredFields ?? [];
  if (e.license?.required) {
    const holder = e.license.holder;
    const inForce = contract.licenses.filter((l) => l.validUntil === undefined || l.validUntil > now);
    const valid = inForce.filter(
      (l) => holder === undefined || (l.holderKind !== undefined && holder.kinds.includes(l.holderKind)),
    );
    const usable = valid.filter((l) => e.license?.allowTrial || !l.trial);
    const current = usable.filter(
      (l) => !e.license?.requireCurrentUpdates || (l.updatesUntil ?? -Infinity) > now,
    );
    if (current.length === 0) {
      const [es, en] =
        usable.length === 0
          ? valid.length === 0
            ? holder !== undefined && inForce.length > 0
              ? [
                  `La licencia debe estar a nombre de ${holder.name.es}.`,
                  `The license must be held by ${holder.name.en}.`,
                ]
              : [
                  'No hay una licencia vigente a nombre del cliente.',
                  'There is no valid license in the customer’s name.',
                ]
            : [
                'La licencia es de prueba; se requiere una licencia adquirida.',
                'The license is a trial; a purchased license is required.',
              ]
          : [
              'Las actualizaciones de la licencia no están vigentes.',
              'The license’s updates are not current.',
            ];
      out.push({ rule: 'entitlement.license', code: 'license', message: { es, en } });
    }
  }
  if (e.supportedVersions !== undefined) {
    const { latest, versions = [], required } = e.supportedVersions;
    const supported = [
      ...(latest === undefined ? [] : contract.releasedVersions.slice(0, latest)),
      ...versions,
    ];
    const version = draft.productVersion;
    const isSupported = (v: string): boolean => supported.some((s) => normalizeName(s) === normalizeName(v));
    if (version === undefined || version.trim() === '') {
      if (required && !requiredByChannel.includes('productVersion')) {
        out.push({
          rule: 'entitlement.supportedVersions',
          code: 'missing_field',
          message: { es: 'Indique la versión del producto.', en: 'Please state the product version.' },
        });
      }
    } else if (!isSupported(version)) {
      const list = supported.join(', ') || '-';
      out.push({
        rule: 'entitlement.supportedVersions',
        code: 'unsupported_version',
        message:
          latest !== undefined && versions.length === 0
            ? {
                es: `La versión ${version} no tiene soporte; se atienden las ${latest} últimas versiones (${list}).`,
                en: `Version ${version} is not supported; only the latest ${latest} versions are (${list}).`,
              }
            : {
                es: `La versión ${version} no tiene soporte; se atienden las versiones ${list}.`,
                en: `Version ${version} is not supported; supported versions: ${list}.`,
              },
      });
    }
  }
  const identifyBy = policy.channels[draft.channel]?.identifyBy ?? 'email';
  const who = identifyBy === 'email' ? draft.requesterEmail : draft.requesterName;
  const matches = (p: { email?: string | undefined; name?: string | undefined }): boolean => {
    if (who === undefined) return false;
    const key = identifyBy === 'email' ? p.email : p.name;
    return key !== undefined && normalizeName(key) === normalizeName(who);
  };
  if (e.authorizedRequesters && !contract.authorizedRequesters.some(matches)) {
    const refused: Text =
      identifyBy === 'email'
        ? {
            es: `La cuenta ${who ?? '(sin correo)'} no está autorizada para solicitar soporte.`,
            en: `The account ${who ?? '(no email)'} is not authorized to request support.`,
          }
        : {
            es: `${who ?? '(sin nombre)'} no figura entre las personas autorizadas para solicitar soporte.`,
            en: `${who ?? '(no name)'} is not among the people authorized to request support.`,
          };
    // On the phone staff take the call for a known customer: they may say who can ask instead. Written
    // channels answer unknown senders, who must not learn the contract's people.
    const authorized =
      draft.channel === 'phone' || draft.channel === 'oncall_phone'
        ? contract.authorizedRequesters.map((p) => p.name ?? p.email).filter((x): x is string => !!x)
        : [];
    out.push({
      rule: 'entitlement.authorizedRequesters',
      code: 'unauthorized_requester',
      message:
        authorized.length === 0
          ? refused
          : {
              es: `${refused.es} Personas autorizadas en este contrato: ${authorized.join(', ')}.`,
              en: `${refused.en} Authorized for this contract: ${authorized.join(', ')}.`,
            },
    });
  }
  const training =
    e.trainedUsers === true ? { courses: [], ticketModule: true } : e.trainedUsers || undefined;
  if (training !== undefined) {
    const module = draft.module === undefined ? undefined : normalizeName(draft.module);
    const needed = training.courses.map(normalizeName);
    const trained = contract.trainedUsers.some((u) => {
      const taken = u.modules.map(normalizeName);
      return (
        matches(u) &&
        needed.every((c) => taken.includes(c)) &&
        (!training.ticketModule || (module !== undefined && taken.includes(module)))
      );
    });
    if (!trained) {
      const moduleText = {
        es: `el del módulo ${draft.module ?? '(no indicado)'}`,
        en: `that of module ${draft.module ?? '(not given)'}`,
      };
      const courses = training.courses.join(', ');
      out.push({
        rule: 'entitlement.trainedUsers',
        code: 'untrained_user',
        message:
          training.courses.length === 0
            ? {
                es: `El usuario debe estar capacitado en el módulo ${draft.module ?? '(no indicado)'}.`,
                en: `The user must be trained in module ${draft.module ?? '(not given)'}.`,
              }
            : {
                es: `El usuario debe haber tomado los cursos: ${courses}${training.ticketModule ? ` y ${moduleText.es}` : ''}.`,
                en: `The user must have taken the courses: ${courses}${training.ticketModule ? ` and ${moduleText.en}` : ''}.`,
              },
      });
    }
  }
  return out;
}

/**
 * Picks the quota a ticket consumes: among the plan's current period (if it has tickets left) and
 * the add-on packs active at `now` with tickets left, the one that expires first (the plan on a
 * tie). Unlimited plans consume nothing. Undefined when nothing is left.
 */
export function chooseQuota(policy: Policy, contract: ContractSnapshot, now: number): QuotaUse | undefined {
  const plan = planById(policy, contract.planId);
  if (plan === undefined) return undefined;
  if (plan.quota === null) return { kind: 'unlimited' };
  const candidates: QuotaUse[] = [];
  const planLeft = plan.quota - contract.quotaUsed;
  if (planLeft > 0 && contract.periodStart <= now && now < contract.periodEnd) {
    candidates.push({
      kind: 'plan',
      planId: plan.id,
      expiresAt: contract.periodEnd,
      remainingAfter: planLeft - 1,
    });
  }
  for (const pack of contract.packs) {
    if (pack.remaining > 0 && pack.purchasedAt <= now && now < pack.expiresAt) {
      candidates.push({
        kind: 'pack',
        purchaseId: pack.id,
        packId: pack.packId,
        expiresAt: pack.expiresAt,
        remainingAfter: pack.remaining - 1,
      });
    }
  }
  const expiry = (q: QuotaUse): number => ('expiresAt' in q ? q.expiresAt : Infinity);
  return candidates.sort((a, b) => expiry(a) - expiry(b))[0];
}

/**
 * Decides whether `draft` is accepted under `policy` for `contract` at `now`, reporting every
 * refusal reason. Throws if the contract names another policy version (a caller bug).
 */
export function decideIntake(
  policy: Policy,
  contract: ContractSnapshot,
  draft: TicketDraft,
  now: number,
): IntakeDecision {
  if (contract.policyId !== policy.id || contract.policyVersion !== policy.version) {
    throw new Error(
      `contract ${contract.customerId} is served under ${contract.policyId}@${contract.policyVersion}, not ${policy.id}@${policy.version}`,
    );
  }
  const reasons: Refusal[] = checkChannel(policy, contract, draft, now);
  if (draft.type !== undefined && !policy.ticketTypes.some((t) => t.id === draft.type)) {
    const known = policy.ticketTypes.map((t) => t.id).join(', ');
    reasons.push({
      rule: 'ticketTypes',
      code: 'unknown_type',
      message: {
        es: `Tipo de solicitud desconocido "${draft.type}" (válidos: ${known}).`,
        en: `Unknown request type "${draft.type}" (valid: ${known}).`,
      },
    });
  }
  const category = draftCategory(policy, draft);
  if (category === undefined) {
    reasons.push({
      rule: 'categories',
      code: 'unknown_category',
      message: {
        es: `Categoría desconocida "${draft.category ?? ''}".`,
        en: `Unknown category "${draft.category ?? ''}".`,
      },
    });
  }
  const routedTo = category?.routedTo;
  if (category !== undefined && routedTo !== undefined) {
    reasons.push({
      rule: `categories.${category.id}.routedTo`,
      code: 'routed_elsewhere',
      message: routedTo.answer,
    });
  }

  const withoutPlan = category?.servedWithoutPlan === true;
  const plan = planById(policy, contract.planId);
  let planUsable = true;
  if (policy.entitlement.requirePlan && !withoutPlan) {
    if (contract.planId === null) {
      planUsable = false;
      reasons.push({
        rule: 'entitlement.requirePlan',
        code: 'no_plan',
        message: {
          es: 'Se requiere un plan de soporte activo para recibir atención.',
          en: 'An active support plan is required.',
        },
      });
    } else if (plan === undefined) {
      planUsable = false;
      reasons.push({
        rule: 'plans',
        code: 'unknown_plan',
        message: { es: `Plan desconocido "${contract.planId}".`, en: `Unknown plan "${contract.planId}".` },
      });
    } else if (now < contract.periodStart || now >= contract.periodEnd) {
      planUsable = false;
      reasons.push({
        rule: 'entitlement.requirePlan',
        code: 'outside_period',
        message: {
          es: `El plan no está vigente (periodo ${isoDate(contract.periodStart)} a ${isoDate(contract.periodEnd)}).`,
          en: `The plan is not current (period ${isoDate(contract.periodStart)} to ${isoDate(contract.periodEnd)}).`,
        },
      });
    }
  }
  reasons.push(...checkEntitlement(policy, contract, draft, now));

  let quota: QuotaUse | undefined = { kind: 'exempt' };
  const typeExempt = policy.ticketTypes.find((t) => t.id === draft.type)?.quota === 'exempt';
  const consumes =
    category !== undefined &&
    category.quota === 'consume' &&
    !typeExempt &&
    !(withoutPlan && plan === undefined);
  if (consumes && planUsable && plan !== undefined) {
    quota = chooseQuota(policy, contract, now);
    if (quota === undefined) {
      const packs = policy.addOnPacks.length > 0;
      reasons.push({
        rule: `plans.${plan.id}.quota`,
        code: 'quota_exhausted',
        message: {
          es: `Se agotaron los ${plan.quota ?? 0} tickets del periodo y no hay paquetes adicionales vigentes${packs ? '; puede adquirir un plan adicional' : ''}.`,
          en: `All ${plan.quota ?? 0} tickets of the period are used and no add-on pack is active${packs ? '; an add-on can be bought' : ''}.`,
        },
      });
    }
  }
  if (reasons.length > 0 || category === undefined || quota === undefined) {
    return { accepted: false, reasons, ...(routedTo && { routedTo }) };
  }
  return {
    accepted: true,
    category: category.id,
    calendarId: calendarFor(policy, contract).id,
    quota,
    ...(category.advice && { advice: category.advice }),
  };
}
