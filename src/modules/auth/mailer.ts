import { createTransport } from 'nodemailer';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import type { Logger } from '../../logger.js';

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export interface MailerOptions {
  smtpUrl: string | undefined;
  from: string;
  db: Db;
  clock: Clock;
  logger: Logger;
}

/** nodemailer to SMTP_URL; without it, mail goes to the log (secrets scrubbed) and the outbox table. */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const transport = createTransport(options.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text });
      },
    };
  }
  return {
    async send(mail) {
      await options.db
        .insertInto('outbox')
        .values({ recipient: mail.to, subject: mail.subject, body: mail.text, created_at: new Date(options.clock.now()) })
        .execute();
      options.logger.info({ to: mail.to, subject: mail.subject, body: mail.text }, 'mail (no SMTP_URL: kept in the outbox table)');
    },
  };
}
