import { createTransport, type Transporter } from 'nodemailer';
import type { NotificationConfig } from '../config';
import type { AttemptResult } from './attempt-result';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** RFC 5322 Message-ID: the same for every attempt, so a mail client shows a resend as the same message. */
  messageId: string;
}

/** SMTP reply code of a nodemailer error or answer (`250 2.0.0 OK` → 250). */
function replyCode(value: { responseCode?: number; response?: string } | undefined): number | null {
  if (!value) return null;
  if (typeof value.responseCode === 'number') return value.responseCode;
  const match = /^(\d{3})/.exec(value.response ?? '');
  return match ? Number(match[1]) : null;
}

/** Sends email through the configured SMTP server (nodemailer, one pooled transport per process). */
export class EmailSender {
  private readonly transport: Transporter | null;
  readonly host: string;

  constructor(private readonly config: NotificationConfig) {
    this.host = config.SMTP_HOST ?? 'smtp:unconfigured';
    this.transport = config.SMTP_HOST
      ? createTransport({
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          secure: config.SMTP_SECURE,
          pool: true,
          maxConnections: config.NOTIFICATION_PER_HOST_CONCURRENCY,
          ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } } : {}),
          tls: { rejectUnauthorized: config.SMTP_TLS_VERIFY },
          connectionTimeout: config.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
          greetingTimeout: config.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
          socketTimeout: config.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
        })
      : null;
  }

  /** Whether SMTP_HOST is set: without it nothing can be sent. */
  get configured(): boolean {
    return this.transport !== null;
  }

  /**
   * One attempt; never throws. SMTP 5xx answers are permanent (no retry, like an HTTP 4xx); 4xx answers and
   * connection trouble are retried.
   */
  async send(message: EmailMessage): Promise<AttemptResult> {
    const started = Date.now();
    if (!this.transport) return { decision: 'retry', statusCode: null, error: 'SMTP_HOST is not configured', latencyMs: 0, outcome: { kind: 'network', error: 'SMTP_HOST is not configured' } };
    try {
      const info = (await this.transport.sendMail({
        from: this.config.SMTP_FROM,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: message.messageId,
      })) as { response?: string };
      return { decision: 'delivered', statusCode: replyCode(info) ?? 250, error: null, latencyMs: Date.now() - started, outcome: { kind: 'response', status: 200 } };
    } catch (failure) {
      const code = replyCode(failure as { responseCode?: number; response?: string });
      const error = code === null ? (failure as Error).message : `SMTP ${code}: ${(failure as Error).message}`;
      const latencyMs = Date.now() - started;
      if (code !== null && code >= 500) return { decision: 'fail', statusCode: code, error, latencyMs, outcome: { kind: 'response', status: code } };
      return { decision: 'retry', statusCode: code, error, latencyMs, outcome: { kind: 'network', error } };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
