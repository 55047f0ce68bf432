/** The extraction benchmark's folder of mixed files, built with the generators the extraction tests use. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  makeDocx,
  makeEmail,
  makeHtmlPage,
  makeImage,
  makePng,
  makeScannedPdf,
  makeTextPdf,
  prose,
} from '../test/extraction/make-files.js';

/** The categories of the mix, each with its share of the files, and how one file of it is made. */
export const MIX: { category: string; share: number; extension: string; make: (i: number) => Promise<Uint8Array> }[] = [
  // Text PDFs of 1 to 12 pages of about 300 words: contracts, invoices, reports.
  { category: 'pdf-text', share: 0.3, extension: 'pdf', make: (i) => makeTextPdf(pdfPages(i, 1 + (i % 12))) },
  { category: 'pdf-scan', share: 0.05, extension: 'pdf', make: (i) => makeScannedPdf(1 + (i % 2)) },
  { category: 'docx', share: 0.15, extension: 'docx', make: (i) => makeDocx(paragraphs(i, 8)) },
  {
    category: 'html',
    share: 0.15,
    extension: 'html',
    make: async (i) => makeHtmlPage(`Article ${i}`, paragraphs(i, 6)),
  },
  { category: 'email', share: 0.15, extension: 'eml', make: makeMail },
  { category: 'text', share: 0.15, extension: 'txt', make: async (i) => Buffer.from(paragraphs(i, 6).join('\n\n')) },
  { category: 'image', share: 0.05, extension: 'jpg', make: (i) => makeImage('jpeg', [`Receipt ${i}`]) },
];

function paragraphs(seed: number, count: number): string[] {
  return Array.from({ length: count }, (_, p) => prose(seed * 13 + p, 60));
}

/** Pages of lines short enough for an A4 page: 40 lines of about 8 words. */
function pdfPages(seed: number, count: number): string[] {
  return Array.from({ length: count }, (_, p) =>
    Array.from({ length: 40 }, (_, line) => prose(seed * 101 + p * 41 + line, 8)).join('\n'),
  );
}

/** An e-mail; every third carries a PDF and a photo as attachments, as invoices by e-mail do. */
async function makeMail(i: number): Promise<Uint8Array> {
  const attachments =
    i % 3 === 0
      ? [
          { filename: `invoice-${i}.pdf`, content: await makeTextPdf(pdfPages(i, 1)), contentType: 'application/pdf' },
          { filename: `photo-${i}.png`, content: await makePng([`Delivery ${i}`]), contentType: 'image/png' },
        ]
      : [];
  return makeEmail({
    subject: `Order ${i}`,
    from: 'orders@example.com',
    text: paragraphs(i, 3).join('\n\n'),
    attachments,
  });
}

/** Writes `count` files of the mix into `dir`, named `<n>-<category>.<extension>`; returns the names. */
export async function writeMixedFiles(dir: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (const { category, share, extension, make } of MIX) {
    const n = Math.max(1, Math.round(count * share));
    for (let i = 0; i < n && names.length < count; i++) {
      const name = `${String(names.length).padStart(4, '0')}-${category}.${extension}`;
      writeFileSync(join(dir, name), await make(i));
      names.push(name);
    }
  }
  return names;
}
