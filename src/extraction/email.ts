import { simpleParser, type AddressObject } from 'mailparser';
import { libraryTag } from './library-version.js';
import { normalizeText } from './normalize-text.js';
import type { EmailAttachment, EmailDetails, ExtractedDocument } from './types.js';

/**
 * An e-mail (RFC 822 / .eml) with mailparser: subject, sender and date as a short header, then the body (the plain
 * text part, or the HTML part as text), then the attachments' names and sizes. Attachments come back whole in
 * `email.attachments`, for a caller that submits them as documents of their own.
 */
export async function extractEmail(bytes: Uint8Array): Promise<ExtractedDocument> {
  const mail = await simpleParser(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), {
    skipImageLinks: true,
  });
  const attachments: EmailAttachment[] = mail.attachments.map((attachment, index) => ({
    name: attachment.filename ?? `attachment-${index + 1}`,
    mediaType: attachment.contentType,
    size: attachment.size,
    bytes: new Uint8Array(attachment.content),
  }));
  const email: EmailDetails = {
    ...(mail.subject ? { subject: mail.subject } : {}),
    ...(mail.from ? { from: addressText(mail.from) } : {}),
    ...(mail.date ? { date: mail.date.toISOString() } : {}),
    attachments,
  };
  const body = normalizeText(mail.text ?? '');
  return {
    text: composeText(email, body),
    method: 'email',
    extractor: libraryTag('mailparser'),
    mediaType: 'message/rfc822',
    email,
  };
}

function addressText(address: AddressObject | AddressObject[]): string {
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(', ');
}

/** The text the model reads; empty when the e-mail has neither a body nor attachments (nothing to classify). */
function composeText(email: EmailDetails, body: string): string {
  if (body === '' && email.attachments.length === 0) return '';
  const header = [
    email.subject && `Subject: ${email.subject}`,
    email.from && `From: ${email.from}`,
    email.date && `Date: ${email.date}`,
  ].filter(Boolean);
  const attachments = email.attachments.map((a) => `- ${a.name} (${a.mediaType}, ${a.size} bytes)`);
  return [header.join('\n'), body, attachments.length > 0 ? `Attachments:\n${attachments.join('\n')}` : '']
    .filter((part) => part !== '')
    .join('\n\n');
}
