/**
 * A real SMTP server on port 0 that answers 451 (try later) to its first `busyFor` messages and accepts the
 * rest, with the mailer that sends to it: for tests of retried deliveries.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../activities/notifications/mailer';

export interface FlakySmtp {
  /** Every message received, refused or not, in order (raw). */
  attempts: string[];
  /** The messages accepted (raw). */
  accepted: string[];
  mailer: ReturnType<typeof createSmtpMailer>;
  close: () => Promise<void>;
}

export async function startFlakySmtp(busyFor: number): Promise<FlakySmtp> {
  const attempts: string[] = [];
  const accepted: string[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        attempts.push(raw);
        if (attempts.length <= busyFor) {
          callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
        } else {
          accepted.push(raw);
          callback();
        }
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'soporte@orquesta.test' });
  return {
    attempts,
    accepted,
    mailer,
    close: async () => {
      mailer.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
