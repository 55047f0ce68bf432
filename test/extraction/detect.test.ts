import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectDocumentType, SUPPORTED_TYPES, UnsupportedTypeError } from '../../src/extraction/index.js';
import {
  makeDocx,
  makeElf,
  makeEmail,
  makeHtmlPage,
  makeImage,
  makePng,
  makeTextPdf,
  makeTiff,
  makeZip,
} from './make-files.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function rejection(bytes: Uint8Array, name?: string): Promise<UnsupportedTypeError> {
  const error = await detectDocumentType(bytes, name).then(
    () => assert.fail('expected an UnsupportedTypeError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UnsupportedTypeError, String(error));
  return error;
}

describe('file type detection', () => {
  it('detects a PDF from its signature, even under a wrong name', async () => {
    const pdf = await makeTextPdf(['Invoice']);
    assert.deepEqual(await detectDocumentType(pdf, 'notes.txt'), { kind: 'pdf', mediaType: 'application/pdf' });
    assert.deepEqual(await detectDocumentType(pdf, 'letter.docx'), { kind: 'pdf', mediaType: 'application/pdf' });
  });

  it('detects a Word .docx from the parts inside its zip, with or without a name', async () => {
    const docx = await makeDocx(['Hello']);
    assert.deepEqual(await detectDocumentType(docx), { kind: 'docx', mediaType: DOCX });
    assert.deepEqual(await detectDocumentType(docx, 'scan.png'), { kind: 'docx', mediaType: DOCX });
  });

  it('detects PNG, JPEG, WebP and TIFF images', async () => {
    const images: [Uint8Array, string][] = [
      [await makePng(['x']), 'image/png'],
      [await makeImage('jpeg', ['x']), 'image/jpeg'],
      [await makeImage('webp', ['x']), 'image/webp'],
      [makeTiff(), 'image/tiff'],
    ];
    for (const [bytes, mediaType] of images) {
      assert.deepEqual(await detectDocumentType(bytes, 'photo.txt'), { kind: 'image', mediaType });
    }
  });

  it('takes text formats, which have no signature, by their extension', async () => {
    const text = Buffer.from('<p>plain words</p>');
    assert.deepEqual(await detectDocumentType(text, 'a.TXT'), { kind: 'text', mediaType: 'text/plain' });
    assert.deepEqual(await detectDocumentType(text, 'README.md'), { kind: 'text', mediaType: 'text/markdown' });
    assert.deepEqual(await detectDocumentType(text, 'page.htm'), { kind: 'html', mediaType: 'text/html' });
    assert.deepEqual(await detectDocumentType(text, 'mail.eml'), { kind: 'email', mediaType: 'message/rfc822' });
  });

  it('recognises an HTML page and an e-mail from their content when no name says what they are', async () => {
    const page = makeHtmlPage('Title', ['Body']);
    const mail = await makeEmail({ subject: 'Hi', from: 'a@example.com', text: 'Body' });
    assert.deepEqual(await detectDocumentType(page), { kind: 'html', mediaType: 'text/html' });
    assert.deepEqual(await detectDocumentType(mail, 'download'), { kind: 'email', mediaType: 'message/rfc822' });
    assert.deepEqual(await detectDocumentType(Buffer.from('Subject: not a header block\nJust a line')), {
      kind: 'text',
      mediaType: 'text/plain',
    });
  });

  it('refuses a zip archive and an ELF binary, naming the type found and listing the supported ones', async () => {
    const zip = await rejection(await makeZip(), 'archive.pdf');
    assert.equal(zip.detected, 'application/zip');
    assert.match(zip.message, /application\/zip .*submit the files inside it/);
    const elf = await rejection(makeElf(), 'program.txt');
    assert.equal(elf.detected, 'application/x-elf');
    for (const supported of SUPPORTED_TYPES) assert.ok(elf.message.includes(supported), elf.message);
    assert.deepEqual(elf.supported, SUPPORTED_TYPES);
  });

  it('refuses binary content without a signature, even when its name claims a supported binary type', async () => {
    const binary = Buffer.from([0x13, 0x37, 0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0xc3, 0x28]);
    const error = await rejection(binary, 'contract.pdf');
    assert.equal(error.detected, undefined);
    assert.match(error.message, /named \.pdf whose content has no known signature/);
  });
});
