/** Every email to a customer about a ticket links to the ticket in the portal (the dispatcher's `portalBaseUrl`). */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutboxDispatcher,
  createSmtpMailer,
  enqueueNotifications,
  startMailCatcher,
  type MailCatcher,
} from '../../activities/notifications/index';
import type { Database } from '../../db/schema';
import type { Kysely } from 'kysely';
import { createTestDatabase } from '../support/database';
import { seedTicket } from '../api/helpers';

describe('portal links in notification emails', () => {
  let db: Kysely<Database>;
  let destroy: () => Promise<void>;
  let catcher: MailCatcher;
  let mailer: ReturnType<typeof createSmtpMailer>;

  beforeAll(async () => {
    const handle = await createTestDatabase();
    db = handle.db;
    destroy = () => handle.destroy();
    catcher = await startMailCatcher({ logger: pino({ level: 'silent' }) });
    mailer = createSmtpMailer({ url: catcher.smtpUrl, from: 'Orquesta <soporte@orquesta.local>' });
    await db.insertInto('customers').values({ id: 'clinica', name: 'Clínica' }).execute();
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.stop();
    await destroy?.();
  });

  async function deliver(portalBaseUrl: string | undefined, template: 'agent_reply' | 'sla_breach') {
    const n = await seedTicket(db, { customer_id: 'clinica' });
    await enqueueNotifications(db, [
      {
        dedupeKey: `test:${n}:${template}`,
        ticketNumber: n,
        channel: 'email',
        template,
        locale: 'es',
        recipient: template === 'sla_breach' ? 'gerencia@clinica.co' : 'marta@clinica.co',
        payload: { ticketNumber: n, subject: 'Error 500', body: 'Estamos revisando', agentName: 'Luis' },
      },
    ]);
    const dispatcher = createOutboxDispatcher({
      db,
      mailer,
      logger: pino({ level: 'silent' }),
      ...(portalBaseUrl && { portalBaseUrl }),
    });
    await dispatcher.runOnce();
    return catcher.waitFor((m) => m.headers['x-orquesta-ticket'] === String(n), 5_000);
  }

  it('links the customer to the ticket in the portal, in text and HTML', async () => {
    const mail = await deliver('https://soporte.example.com/', 'agent_reply');
    const n = mail.headers['x-orquesta-ticket'] ?? '?';
    expect(mail.text).toContain(
      `Ver y responder su caso en el portal: https://soporte.example.com/portal/#/tickets/${n}`,
    );
    expect(mail.html).toContain(`href="https://soporte.example.com/portal/#/tickets/${n}"`);
  });

  it('adds no portal link to staff emails, nor without a portal address', async () => {
    expect((await deliver('https://soporte.example.com', 'sla_breach')).text).not.toContain('/portal/');
    expect((await deliver(undefined, 'agent_reply')).text).not.toContain('/portal/');
  });
});
