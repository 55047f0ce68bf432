/**
 * Real files of every supported type, built by the tests and the extraction benchmark themselves: PDFs with pdf-lib,
 * Word files zipped with JSZip, e-mails with nodemailer's MailComposer, images drawn with @napi-rs/canvas.
 */
import { crc32, deflateSync } from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';
import JSZip from 'jszip';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { PDFDocument, PDFName, PDFNumber, PDFHexString, StandardFonts } from 'pdf-lib';

/** A text PDF, one page per entry, each line of an entry on its own line. */
export async function makeTextPdf(pages: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const content of pages) {
    const page = pdf.addPage([595, 842]);
    content.split('\n').forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 18, size: 12, font }));
  }
  return pdf.save();
}

/** A PNG of black text on white, as a phone photo or a scanner would give a page (without the noise). */
export async function makePng(lines: string[], width = 800, height = 400): Promise<Uint8Array> {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#000000';
  context.font = '28px sans-serif';
  lines.forEach((line, index) => context.fillText(line, 30, 60 + index * 40));
  return new Uint8Array(await canvas.encode('png'));
}

/** The same picture as {@link makePng}, encoded as JPEG or WebP. */
export async function makeImage(format: 'jpeg' | 'webp', lines: string[]): Promise<Uint8Array> {
  const canvas = createCanvas(400, 200);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 400, 200);
  context.fillStyle = '#000000';
  context.font = '24px sans-serif';
  lines.forEach((line, index) => context.fillText(line, 20, 50 + index * 32));
  return new Uint8Array(format === 'jpeg' ? await canvas.encode('jpeg', 90) : await canvas.encode('webp', 90));
}

/**
 * A 2×2 8-bit greyscale baseline TIFF, uncompressed, of `pages` pages (a fax or a multi-page scan): the header, then
 * per page one IFD of eight entries and its pixels, each IFD pointing at the next.
 */
export function makeTiff(pages = 1): Uint8Array {
  const entryCount = 8;
  const ifdSize = 2 + entryCount * 12 + 4;
  const pageSize = ifdSize + 4;
  const bytes = Buffer.alloc(8 + pages * pageSize);
  bytes.write('II*\0', 0, 'latin1');
  bytes.writeUInt32LE(8, 4);
  for (let page = 0; page < pages; page++) {
    const ifdAt = 8 + page * pageSize;
    const pixelsAt = ifdAt + ifdSize;
    const entries: [tag: number, type: number, value: number][] = [
      [256, 3, 2], // ImageWidth
      [257, 3, 2], // ImageLength
      [258, 3, 8], // BitsPerSample
      [259, 3, 1], // Compression: none
      [262, 3, 1], // PhotometricInterpretation: black is zero
      [273, 4, pixelsAt], // StripOffsets
      [278, 3, 2], // RowsPerStrip
      [279, 4, 4], // StripByteCounts
    ];
    bytes.writeUInt16LE(entryCount, ifdAt);
    entries.forEach(([tag, type, value], i) => {
      const at = ifdAt + 2 + i * 12;
      bytes.writeUInt16LE(tag, at);
      bytes.writeUInt16LE(type, at + 2);
      bytes.writeUInt32LE(1, at + 4);
      if (type === 3) bytes.writeUInt16LE(value, at + 8);
      else bytes.writeUInt32LE(value, at + 8);
    });
    bytes.writeUInt32LE(page + 1 < pages ? ifdAt + pageSize : 0, ifdAt + 2 + entryCount * 12);
    Buffer.from([0x00, 0xff, 0xff, 0x00]).copy(bytes, pixelsAt);
  }
  return bytes;
}

/**
 * A valid PNG of `width` × `height` white pixels at one bit per pixel: a few hundred KB that decode to far more
 * pixels than a page holds, as a decompression bomb does.
 */
export function makeHugePng(width: number, height: number): Uint8Array {
  const row = Buffer.alloc(1 + Math.ceil(width / 8), 0xff);
  row[0] = 0; // filter type: none
  const rows = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(1, 8); // bit depth
  header.writeUInt8(0, 9); // colour type: greyscale
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', rows),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PDF like a scanner makes: `textPages` text pages first, then pages that are only an image of text. */
export async function makeScannedPdf(imagePages: number, textPages: string[] = []): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const content of textPages) pdf.addPage([595, 842]).drawText(content, { x: 50, y: 780, size: 12, font });
  const image = await pdf.embedPng(await makePng(['SCANNED INVOICE', 'Total due: 120.00 EUR']));
  for (let i = 0; i < imagePages; i++) {
    pdf.addPage([595, 842]).drawImage(image, { x: 0, y: 442, width: 595, height: 400 });
  }
  return pdf.save();
}

/** A PDF with blank pages only: readable, nothing in it. */
export async function makeBlankPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < pages; i++) pdf.addPage();
  return pdf.save();
}

/**
 * A PDF under the standard security handler (RC4, revision 3) whose user password is not empty: a reader must ask
 * for it. pdf-lib cannot encrypt, so the trailer gets an `/Encrypt` dictionary whose `/U` entry cannot match the
 * empty password; pdf.js checks exactly that before it reads anything.
 */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage().drawText('Confidential salary review', { x: 50, y: 700, size: 12, font });
  const context = pdf.context;
  const id = PDFHexString.of('0123456789abcdef0123456789abcdef');
  const encrypt = context.obj({
    Filter: PDFName.of('Standard'),
    V: PDFNumber.of(2),
    R: PDFNumber.of(3),
    Length: PDFNumber.of(128),
    P: PDFNumber.of(-3904),
    O: PDFHexString.of('a1'.repeat(32)),
    U: PDFHexString.of('b2'.repeat(32)),
  });
  context.trailerInfo.Encrypt = context.register(encrypt);
  context.trailerInfo.ID = context.obj([id, id]);
  return pdf.save({ useObjectStreams: false });
}

/** A file that starts like a PDF and then is garbage, as a truncated or mangled download is. */
export function makeCorruptPdf(): Uint8Array {
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
  return Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), garbage]);
}

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** A minimal Word .docx (the three parts Word itself requires), one paragraph per entry. */
export async function makeDocx(paragraphs: string[]): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `${XML_HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ' +
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    `${XML_HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      '<Relationship Id="rId1" ' +
      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ' +
      'Target="word/document.xml"/></Relationships>',
  );
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`);
  zip.file(
    'word/document.xml',
    `${XML_HEADER}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
      `<w:body>${body.join('')}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** A zip archive holding one text file: a supported type's container, but not a supported type. */
export async function makeZip(): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file('notes.txt', 'A file inside an archive.');
  return zip.generateAsync({ type: 'uint8array' });
}

/** The first bytes of an x86-64 Linux executable (ELF header), padded: a binary no extractor reads. */
export function makeElf(): Uint8Array {
  const bytes = Buffer.alloc(256);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]).copy(bytes);
  bytes.writeUInt16LE(2, 16); // e_type: executable
  bytes.writeUInt16LE(0x3e, 18); // e_machine: x86-64
  return bytes;
}

/** An e-mail's parts; attachments are sent base64-encoded, as mail clients do. */
export interface MailSpec {
  subject: string;
  from: string;
  to?: string;
  date?: Date;
  text?: string;
  html?: string;
  attachments?: { filename: string; content: Uint8Array; contentType: string }[];
}

/** An RFC 822 message (.eml), composed by nodemailer's MailComposer. */
export async function makeEmail(spec: MailSpec): Promise<Uint8Array> {
  const composer = new MailComposer({
    subject: spec.subject,
    from: spec.from,
    to: spec.to ?? 'inbox@example.com',
    date: spec.date ?? new Date('2026-11-20T09:30:00Z'),
    ...(spec.text !== undefined ? { text: spec.text } : {}),
    ...(spec.html !== undefined ? { html: spec.html } : {}),
    attachments: (spec.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: Buffer.from(a.content),
      contentType: a.contentType,
    })),
  });
  return new Uint8Array(await composer.compile().build());
}

/** A news-style page: the article surrounded by navigation, a cookie banner, a sidebar and a footer. */
export function makeHtmlPage(title: string, paragraphs: string[]): Uint8Array {
  const noise = (label: string) =>
    Array.from({ length: 8 }, (_, i) => `<li><a href="/${label}/${i}">${label} link ${i}</a></li>`).join('');
  return Buffer.from(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)} | Example News</title></head>
<body>
  <header><nav class="site-nav"><ul>${noise('Menu')}</ul></nav></header>
  <div class="cookie-banner">We use cookies. ACCEPT ALL COOKIES</div>
  <main><article>
    <h1>${escapeXml(title)}</h1>
    ${paragraphs.map((p) => `<p>${escapeXml(p)}</p>`).join('\n    ')}
  </article></main>
  <aside class="sidebar"><h2>Trending</h2><ul>${noise('Trending')}</ul></aside>
  <footer><ul>${noise('Footer')}</ul><p>Copyright Example News. All rights reserved.</p></footer>
</body></html>`);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Ordinary prose of about `words` words, so that extractors meet realistic paragraphs. */
export function prose(seed: number, words: number): string {
  const vocabulary = (
    'the supplier shall deliver goods invoice payment terms within thirty days of receipt contract party agreement ' +
    'notice period renewal liability warranty service level customer support ticket order shipment account balance'
  ).split(' ');
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(vocabulary[(seed * 31 + i * 17 + ((i * i) % 7)) % vocabulary.length]!);
  return out.join(' ');
}
