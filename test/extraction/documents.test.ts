import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractDocument, UnreadableDocumentError, type UnreadableReason } from '../../src/extraction/index.js';
import { makeDocx, makeEmail, makeHtmlPage, makeImage, makePng, makeTextPdf, makeTiff, prose } from './make-files.js';

async function unreadable(
  bytes: Uint8Array,
  reason: UnreadableReason,
  name?: string,
): Promise<UnreadableDocumentError> {
  const error = await extractDocument(bytes, name ? { name } : {}).then(
    () => assert.fail(`expected an UnreadableDocumentError (${reason})`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UnreadableDocumentError, String(error));
  assert.equal(error.reason, reason, error.message);
  return error;
}

describe('Word extraction', () => {
  it('reads every paragraph of a .docx', async () => {
    const docx = await makeDocx(['Employment contract', 'The marker sentence of clause 4 survives.', 'Signed.']);
    const result = await extractDocument(docx, { name: 'contract.docx' });
    assert.equal(result.method, 'docx');
    assert.match(result.extractor, /^mammoth@\d+\.\d+\.\d+$/);
    assert.equal(result.text, 'Employment contract\n\nThe marker sentence of clause 4 survives.\n\nSigned.');
  });

  it('calls a truncated .docx unreadable, reason corrupt', async () => {
    const docx = await makeDocx(['Some text', prose(3, 400)]);
    await unreadable(docx.subarray(0, Math.floor(docx.length / 2)), 'corrupt');
  });

  it('calls a .docx without any text unreadable, reason empty', async () => {
    await unreadable(await makeDocx(['', '   ']), 'empty');
  });
});

describe('HTML extraction', () => {
  const page = makeHtmlPage('Port strike delays container shipments', [
    'The marker sentence: dock workers stopped loading ships on Monday morning.',
    prose(1, 120),
    prose(2, 120),
  ]);

  it("keeps the article's text and title and drops navigation, banners, sidebars and footers", async () => {
    const result = await extractDocument(page, { name: 'news.html' });
    assert.equal(result.method, 'html');
    assert.match(result.extractor, /^@mozilla\/readability@[\d.]+\+linkedom@[\d.]+$/);
    assert.match(result.text, /^Port strike delays container shipments/);
    assert.match(result.text, /dock workers stopped loading ships on Monday morning\./);
    for (const noise of ['Menu link', 'ACCEPT ALL COOKIES', 'Trending link', 'Footer link', 'All rights reserved']) {
      assert.ok(!result.text.includes(noise), `"${noise}" left in:\n${result.text}`);
    }
  });

  it('gives the whole body of a page too short to hold an article', async () => {
    const result = await extractDocument(Buffer.from('<html><body><p>Out of office until Monday.</p></body></html>'));
    assert.equal(result.text, 'Out of office until Monday.');
  });

  it('decodes a page in the charset its meta tag declares', async () => {
    const latin1 = Buffer.from(
      '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 cr\xe8me</p></body>',
      'latin1',
    );
    const result = await extractDocument(latin1, { name: 'menu.html' });
    assert.equal(result.text, 'Café crème');
  });

  it('calls a page without any text unreadable, reason empty', async () => {
    await unreadable(Buffer.from('<html><body><div>   </div></body></html>'), 'empty');
  });
});

describe('e-mail extraction', () => {
  it('reads the subject, sender, date, body and attachments, and returns the attachments whole', async () => {
    const invoice = await makeTextPdf(['Invoice 2026-118: the marker sentence inside the attachment.']);
    const photo = await makePng(['receipt']);
    const mail = await makeEmail({
      subject: 'Invoice 2026-118 for October',
      from: 'Acme Billing <billing@acme.example>',
      date: new Date('2026-11-02T08:15:00Z'),
      text: 'Hello,\r\nplease find our invoice attached. The marker sentence of the body.\r\n',
      attachments: [
        { filename: 'invoice-2026-118.pdf', content: invoice, contentType: 'application/pdf' },
        { filename: 'receipt.png', content: photo, contentType: 'image/png' },
      ],
    });
    const result = await extractDocument(mail, { name: 'invoice.eml' });
    assert.equal(result.method, 'email');
    assert.match(result.extractor, /^mailparser@\d+\.\d+\.\d+$/);
    assert.equal(result.email?.subject, 'Invoice 2026-118 for October');
    assert.equal(result.email?.from, '"Acme Billing" <billing@acme.example>');
    assert.equal(result.email?.date, '2026-11-02T08:15:00.000Z');
    assert.match(result.text, /^Subject: Invoice 2026-118 for October\nFrom: .*billing@acme\.example/);
    assert.match(result.text, /please find our invoice attached\. The marker sentence of the body\./);
    assert.match(result.text, /Attachments:\n- invoice-2026-118\.pdf \(application\/pdf, \d+ bytes\)\n- receipt\.png/);

    const [pdf, png] = result.email?.attachments ?? [];
    assert.deepEqual(
      { name: pdf?.name, mediaType: pdf?.mediaType, size: pdf?.size },
      { name: 'invoice-2026-118.pdf', mediaType: 'application/pdf', size: invoice.length },
    );
    assert.deepEqual(Buffer.from(pdf!.bytes), Buffer.from(invoice));
    assert.deepEqual(Buffer.from(png!.bytes), Buffer.from(photo));
    // An attachment is a document of its own.
    const attached = await extractDocument(pdf!.bytes, { name: pdf!.name });
    assert.match(attached.text, /the marker sentence inside the attachment/);
  });

  it('reads the HTML body of an e-mail that has no plain-text part', async () => {
    const mail = await makeEmail({
      subject: 'Ticket #4411',
      from: 'customer@example.org',
      html: '<div><p>My <b>router</b> keeps rebooting: the marker sentence.</p></div>',
    });
    const result = await extractDocument(mail);
    assert.equal(result.method, 'email');
    assert.match(result.text, /My router keeps rebooting: the marker sentence\./);
  });

  it('calls an e-mail with neither a body nor attachments unreadable, reason empty', async () => {
    await unreadable(await makeEmail({ subject: 'No content', from: 'a@example.com', text: '' }), 'empty', 'a.eml');
  });
});

describe('plain text and Markdown', () => {
  it('reads UTF-8, dropping the byte-order mark and turning CRLF into LF', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Grüße aus Köln\r\nZeile zwei\r\n')]);
    const result = await extractDocument(bytes);
    assert.deepEqual(
      { text: result.text, method: result.method, mediaType: result.mediaType },
      { text: 'Grüße aus Köln\nZeile zwei', method: 'text', mediaType: 'text/plain' },
    );
  });

  it('keeps Markdown as it is, as text/markdown', async () => {
    const result = await extractDocument(Buffer.from('# Release notes\n\n- fixed the *marker* bug\n'), {
      name: 'NOTES.md',
    });
    assert.equal(result.mediaType, 'text/markdown');
    assert.equal(result.text, '# Release notes\n\n- fixed the *marker* bug');
  });

  it('calls a .txt that is not UTF-8 unreadable, reason corrupt, and says to convert it', async () => {
    const error = await unreadable(Buffer.from('Caf\xe9 cr\xe8me', 'latin1'), 'corrupt', 'menu.txt');
    assert.match(error.message, /not valid UTF-8: convert it to UTF-8/);
  });

  it('calls an empty file and a file of white space unreadable, reason empty', async () => {
    await unreadable(new Uint8Array(0), 'empty', 'empty.txt');
    await unreadable(Buffer.from('  \n\t\n'), 'empty');
  });
});

describe('images', () => {
  it('passes PNG, JPEG, WebP and TIFF images through whole for a vision model', async () => {
    for (const bytes of [
      await makePng(['a']),
      await makeImage('jpeg', ['b']),
      await makeImage('webp', ['c']),
      makeTiff(),
    ]) {
      const result = await extractDocument(bytes);
      assert.equal(result.method, 'vision');
      assert.equal(result.text, '');
      assert.equal(result.images?.length, 1);
      assert.equal(result.images?.[0]?.mediaType, result.mediaType);
      assert.deepEqual(Buffer.from(result.images![0]!.bytes), Buffer.from(bytes));
    }
  });
});
