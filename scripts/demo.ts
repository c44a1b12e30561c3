/**
 * Demo data for a first start on an empty database: one customer per preset, with contracts,
 * requesters and tickets at different stages, created through the same intake and workflow
 * updates the API uses, so a newcomer sees a living queue.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createTicket } from '../activities/intake';
import type { TicketDraftInput } from '../domain/index';
import type { Database } from '../db/schema';
import { commandUpdates, ticketWorkflowId, type UpdateCommandType } from '../workflows/ticket/messages';

const DAY = 86_400_000;

interface DemoCustomer {
  id: string;
  name: string;
  policy: string;
  plan: string;
  requesters: { name: string; email?: string; portalUser?: boolean }[];
  options?: Record<string, boolean>;
  licenses?: unknown[];
  trainedUsers?: unknown[];
  product?: string;
  tickets: { draft: TicketDraftInput; createdBy?: string; then?: [UpdateCommandType, object][] }[];
}

const customers: DemoCustomer[] = [
  {
    id: 'acme-motors',
    name: 'ACME Motors',
    policy: 'w32',
    plan: 'standard',
    requesters: [{ name: 'Ana Ruiz', email: 'ana@acme-motors.mx' }],
    tickets: [
      {
        draft: {
          channel: 'portal',
          type: 'incident',
          category: 'dms',
          priority: 'high',
          company: 'ACME Motors',
          requesterName: 'Ana Ruiz',
          requesterEmail: 'ana@acme-motors.mx',
          contactPhone: '+52 55 5555 0101',
          subject: 'El timbrado devuelve error 301',
          description: 'Desde las 9:00 ninguna factura timbra.',
          attachments: 1,
        },
      },
      {
        draft: {
          channel: 'email',
          type: 'incident',
          category: 'dms',
          priority: 'medium',
          company: 'ACME Motors',
          requesterName: 'Ana Ruiz',
          requesterEmail: 'ana@acme-motors.mx',
          contactPhone: '+52 55 5555 0101',
          subject: 'Reporte de inventario vacío',
          description: 'El reporte de unidades no muestra datos.',
          attachments: 1,
        },
        then: [['request_info', { agent: 'luis', body: '¿Qué sucursal y qué rango de fechas consultó?' }]],
      },
    ],
  },
  {
    id: 'clinica-sol',
    name: 'Clínica del Sol',
    policy: 'arcoiris',
    plan: 'basic',
    requesters: [{ name: 'Marta Gómez', email: 'marta@clinicasol.co' }],
    tickets: [
      {
        draft: {
          channel: 'portal',
          type: 'problem_report',
          priority: 'medium',
          requesterName: 'Marta Gómez',
          requesterEmail: 'marta@clinicasol.co',
          subject: 'Error al exportar historias a PDF',
          description: 'Al exportar aparece "error 500" desde el lunes.',
          attachments: 1,
        },
        then: [
          [
            'agent_reply',
            {
              messageId: 'demo-1',
              agent: 'jorge',
              body: 'Estamos revisando el servicio de PDF.',
              internal: false,
            },
          ],
          ['resolve', { agent: 'jorge', solution: 'Se reinició el servicio de PDF y se amplió su memoria.' }],
        ],
      },
    ],
  },
  {
    id: 'tiendas-norte',
    name: 'Tiendas del Norte',
    policy: 'sisnova',
    plan: 'basic',
    requesters: [{ name: 'Carlos Méndez', email: 'carlos@tiendasnorte.gt' }],
    tickets: [
      {
        draft: {
          channel: 'portal',
          category: 'support',
          type: 'error',
          priority: 'high',
          requesterName: 'Carlos Méndez',
          requesterEmail: 'carlos@tiendasnorte.gt',
          subject: 'La caja 3 no imprime',
          description: 'La impresora fiscal no responde.',
        },
        then: [
          [
            'agent_reply',
            {
              messageId: 'demo-2',
              agent: 'eva',
              body: 'Conéctese al escritorio remoto, por favor.',
              internal: false,
            },
          ],
        ],
      },
      {
        draft: {
          channel: 'portal',
          category: 'administrative',
          priority: 'low',
          requesterName: 'Carlos Méndez',
          requesterEmail: 'carlos@tiendasnorte.gt',
          subject: 'Factura de marzo duplicada',
          description: 'Recibimos dos facturas.',
        },
      },
    ],
  },
  {
    id: 'banco-uy',
    name: 'Banco Oriental',
    policy: 'paygroup',
    plan: 'unlimited',
    options: { onCall24x7: true },
    requesters: [{ name: 'Lucía Pereira', email: 'lucia@bancooriental.uy', portalUser: true }],
    tickets: [
      {
        draft: {
          channel: 'portal',
          type: 'question',
          category: 'paygroup_software',
          priority: 'low',
          requesterName: 'Lucía Pereira',
          requesterEmail: 'lucia@bancooriental.uy',
          subject: '¿Cómo se liquida el aguinaldo parcial?',
          description: 'Consulta sobre el cálculo.',
        },
        then: [['assign', { assignee: 'sofia', by: 'demo' }]],
      },
    ],
  },
  {
    id: 'municipio-sl',
    name: 'Municipio de San Luis',
    policy: 'indetec',
    plan: 'annual',
    product: 'saacg',
    requesters: [{ name: 'Jorge Salas' }],
    licenses: [
      {
        trial: false,
        holder: 'Municipio de San Luis',
        holderKind: 'public_entity',
        updatesUntil: 4102444800000,
      },
    ],
    trainedUsers: [{ name: 'Jorge Salas', modules: ['Implementación', 'nomina'] }],
    tickets: [
      {
        createdBy: 'recepcion',
        draft: {
          channel: 'phone',
          category: 'saacg',
          type: 'technical',
          priority: 'medium',
          requesterName: 'Jorge Salas',
          company: 'Municipio de San Luis',
          module: 'nomina',
          productVersion: '2026.1',
          selfHelpConsulted: true,
          subject: 'Cálculo de ISR en nómina',
          description: 'El ISR no coincide con la tabla vigente.',
        },
      },
    ],
  },
];

/** Loads the demo when the database has no customers yet; returns how many tickets it opened. */
export async function loadDemo(
  db: Kysely<Database>,
  temporal: { client: Client; taskQueue: string },
  logger: Logger,
): Promise<number> {
  const existing = await db.selectFrom('customers').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  const now = Date.now();
  await db
    .insertInto('product_versions')
    .values([
      { product: 'saacg', version: '2026.1', released_at: new Date(now - 60 * DAY) },
      { product: 'saacg', version: '2025.2', released_at: new Date(now - 240 * DAY) },
      { product: 'saacg', version: '2025.1', released_at: new Date(now - 420 * DAY) },
    ])
    .onConflict((oc) => oc.doNothing())
    .execute();
  let opened = 0;
  for (const c of customers) {
    const policy = await db
      .selectFrom('policies')
      .select(['id', 'version'])
      .where('id', '=', c.policy)
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    await db.insertInto('customers').values({ id: c.id, name: c.name }).execute();
    await db
      .insertInto('contracts')
      .values({
        id: `${c.id}-2026`,
        customer_id: c.id,
        policy_id: policy.id,
        policy_version: policy.version,
        plan: c.plan,
        period: 'yearly',
        starts_at: new Date(now - 30 * DAY),
        ends_at: new Date(now + 335 * DAY),
        requesters: JSON.stringify(c.requesters),
        options: JSON.stringify(c.options ?? {}),
        licenses: JSON.stringify(c.licenses ?? []),
        trained_users: JSON.stringify(c.trainedUsers ?? []),
        product: c.product ?? null,
      })
      .execute();
    for (const t of c.tickets) {
      const result = await createTicket(
        { db, ...temporal },
        { customerId: c.id, draft: t.draft, ...(t.createdBy && { createdBy: t.createdBy }) },
      );
      if (result.outcome !== 'created') {
        // e.g. a phone line outside business hours: the demo shows what the policy allows now.
        logger.info(
          {
            customer: c.id,
            outcome: result.outcome,
            reasons: 'reasons' in result ? result.reasons.map((r) => r.code) : [],
          },
          'demo ticket not opened',
        );
        continue;
      }
      opened++;
      const handle = temporal.client.workflow.getHandle(ticketWorkflowId(result.number));
      for (const [command, args] of t.then ?? []) {
        await handle.executeUpdate(commandUpdates[command] as never, { args: [args] as never });
      }
    }
  }
  return opened;
}
