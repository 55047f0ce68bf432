import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { collectInputs, idFromPath, parseJsonl, type CollectOptions } from '../../src/cli/inputs.js';
import { SUPPORTED_TYPES } from '../../src/extraction/detect.js';
import { makeDocx, makeHtmlPage, makePng, makeTextPdf, makeZip } from '../extraction/make-files.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const SUPPORTED = SUPPORTED_TYPES.join(', ');

describe('the inputs of docket submit and compare', () => {
  let cwd: string;
  const options = (overrides: Partial<CollectOptions> = {}): CollectOptions => ({
    idFromPath: false,
    extensions: [],
    cwd,
    stdin: Readable.from([]),
    ...overrides,
  });

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'docket-inputs-'));
    await mkdir(join(cwd, 'inbox', 'sub'), { recursive: true });
    await mkdir(join(cwd, 'inbox', '.hidden'));
    await mkdir(join(cwd, 'inbox', 'node_modules'));
    await writeFile(join(cwd, 'inbox', 'b.txt'), 'second');
    await writeFile(join(cwd, 'inbox', 'a.md'), 'first');
    await writeFile(join(cwd, 'inbox', 'sub', 'c.txt'), 'third');
    await writeFile(join(cwd, 'inbox', 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await writeFile(join(cwd, 'inbox', 'data.bin'), 'text\u0001with control characters');
    await writeFile(join(cwd, 'inbox', 'empty.txt'), '  \n');
    await writeFile(join(cwd, 'inbox', '.hidden', 'h.txt'), 'hidden');
    await writeFile(join(cwd, 'inbox', 'node_modules', 'n.txt'), 'dependency');
    await symlink(join(cwd, 'inbox'), join(cwd, 'inbox', 'sub', 'loop'));
    await writeFile(join(cwd, 'docs.jsonl'), '{"id":"j-1","text":"one","metadata":{"k":1}}\n\n{"text":"two"}\n');
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  it('walks a folder in name order, once, leaving out hidden entries and node_modules and naming what is not text', async () => {
    const { documents, skipped } = await collectInputs(['inbox'], options());
    assert.deepEqual(
      documents.map((d) => [d.source, d.text, d.metadata]),
      [
        [join('inbox', 'a.md'), 'first', { path: join('inbox', 'a.md') }],
        [join('inbox', 'b.txt'), 'second', { path: join('inbox', 'b.txt') }],
        [join('inbox', 'sub', 'c.txt'), 'third', { path: join('inbox', 'sub', 'c.txt') }],
      ],
    );
    assert.deepEqual(skipped, [
      { source: join('inbox', 'data.bin'), reason: 'binary content (control characters), not plain text' },
      { source: join('inbox', 'empty.txt'), reason: 'empty' },
      {
        source: join('inbox', 'image.png'),
        reason: `unsupported file type: a file named .png whose content has no known signature and not UTF-8 text; supported: ${SUPPORTED}`,
      },
    ]);
  });

  it('takes PDFs, Word files, HTML and images as files, detected from their content, and reports the rest', async () => {
    const dir = join(cwd, 'mixed');
    await mkdir(dir);
    const pdf = await makeTextPdf(['An invoice']);
    await writeFile(join(dir, 'invoice.pdf'), pdf);
    await writeFile(join(dir, 'contract.bin'), await makeDocx(['A contract']));
    await writeFile(join(dir, 'page.html'), makeHtmlPage('A job', ['Engineer wanted']));
    await writeFile(join(dir, 'note.md'), '# A note');
    await writeFile(join(dir, 'bundle.zip'), await makeZip());
    const { documents, files, skipped } = await collectInputs(['mixed'], options());
    assert.deepEqual(
      documents.map((d) => [d.source, d.text]),
      [[join('mixed', 'note.md'), '# A note']],
    );
    assert.deepEqual(
      files.map((f) => [f.source, f.fileName, f.mediaType]),
      [
        [join('mixed', 'contract.bin'), join('mixed', 'contract.bin'), DOCX],
        [join('mixed', 'invoice.pdf'), join('mixed', 'invoice.pdf'), 'application/pdf'],
        [join('mixed', 'page.html'), join('mixed', 'page.html'), 'text/html'],
      ],
    );
    const invoice = files[1];
    assert.equal(invoice?.size, pdf.length);
    assert.equal(invoice?.contentHash, createHash('sha256').update(pdf).digest('hex'));
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]?.source, join('mixed', 'bundle.zip'));
    assert.match(skipped[0]?.reason ?? '', /^unsupported file type application\/zip .*; supported: PDF/);
  });

  it('expands a glob the shell left alone, and refuses one that matches nothing', async () => {
    const { documents, files } = await collectInputs(['inbox/**/*.txt', 'mixed/*.{pdf,html}'], options());
    assert.deepEqual(
      documents.map((d) => d.source),
      [join('inbox', 'b.txt'), join('inbox', 'sub', 'c.txt')],
    );
    assert.deepEqual(
      files.map((f) => f.source),
      [join('mixed', 'invoice.pdf'), join('mixed', 'page.html')],
    );
    await assert.rejects(collectInputs(['inbox/*.pdf'], options()), { message: 'inbox/*.pdf: no file matches' });
  });

  it('keeps only the extensions asked for, and gives ids from paths on request', async () => {
    const { documents } = await collectInputs(['inbox'], options({ extensions: ['.TXT'], idFromPath: true }));
    assert.deepEqual(
      documents.map((d) => d.id),
      ['inbox:b.txt', 'inbox:sub:c.txt'],
    );
  });

  it('reports a file named explicitly that cannot be sent, and refuses a path that does not exist', async () => {
    await writeFile(join(cwd, 'photo.png'), await makePng(['A receipt']));
    const { documents, files, skipped } = await collectInputs(
      [join('inbox', 'data.bin'), 'photo.png', join('inbox', 'b.txt')],
      options(),
    );
    assert.deepEqual(skipped, [
      { source: join('inbox', 'data.bin'), reason: 'binary content (control characters), not plain text', named: true },
    ]);
    assert.deepEqual(
      files.map((f) => [f.source, f.mediaType]),
      [['photo.png', 'image/png']],
    );
    assert.deepEqual(
      documents.map((d) => d.source),
      [join('inbox', 'b.txt')],
    );
    await assert.rejects(collectInputs(['missing.txt'], options()), { message: 'missing.txt: no such file or folder' });
  });

  it('reads stdin for - once, after the paths and before nothing else, and the JSON Lines file last', async () => {
    const { documents } = await collectInputs(
      ['-', join('inbox', 'b.txt')],
      options({ stdin: Readable.from([Buffer.from('from stdin')]), jsonl: 'docs.jsonl' }),
    );
    assert.deepEqual(
      documents.map((d) => [d.source, d.text]),
      [
        ['<stdin>', 'from stdin'],
        [join('inbox', 'b.txt'), 'second'],
        ['docs.jsonl:1', 'one'],
        ['docs.jsonl:3', 'two'],
      ],
    );
    await assert.rejects(collectInputs(['-'], options({ jsonl: '-', stdin: Readable.from([Buffer.from('x')]) })), {
      message: 'stdin can be read only once (--jsonl -)',
    });
    await assert.rejects(collectInputs([], options({ jsonl: 'nope.jsonl' })), { message: 'nope.jsonl: no such file' });
  });
});

describe('JSON Lines input', () => {
  const parse = (text: string) => parseJsonl(Buffer.from(text), 'in.jsonl');

  it('takes one document a line with its id and metadata, skipping blank lines', () => {
    assert.deepEqual(parse('{"id":"a-1","text":"one","metadata":{"k":"v"}}\r\n\n{"text":"two"}'), [
      { source: 'in.jsonl:1', id: 'a-1', text: 'one', metadata: { k: 'v' } },
      { source: 'in.jsonl:3', text: 'two' },
    ]);
  });

  it('names the line and what to fix in it', () => {
    const cases: [string, RegExp][] = [
      ['{"text":', /^in\.jsonl:1: not valid JSON/],
      ['["text"]', /^in\.jsonl:1: expected an object like/],
      ['{"text":"x","title":"t"}', /^in\.jsonl:1: unknown field "title"$/],
      ['{"id":"a"}', /^in\.jsonl:1: "text" must be a string$/],
      ['{"id":"-bad","text":"x"}', /^in\.jsonl:1: "id" may use letters/],
      ['{"text":"x","metadata":[1]}', /^in\.jsonl:1: "metadata" must be an object$/],
      ['{"text":"   "}', /^in\.jsonl:1: empty$/],
      ['{"text":"a\\u0000b"}', /^in\.jsonl:1: binary content/],
    ];
    for (const [line, message] of cases) assert.throws(() => parse(`${line}\n`), { message }, line);
    assert.throws(() => parseJsonl(Buffer.from([0xff, 0xfe, 0x00]), 'in.jsonl'), {
      message: 'in.jsonl: not valid UTF-8',
    });
  });
});

describe('ids from paths', () => {
  it('turns separators into colons and other characters outside the id alphabet into underscores', () => {
    assert.equal(idFromPath(join('inbox', 'sub', 'a file (1).txt')), 'inbox:sub:a_file__1_.txt');
    assert.equal(idFromPath(join('..', '..', 'up', 'a.txt')), 'up:a.txt');
    assert.equal(idFromPath(join('.hidden', 'a.txt')), 'hidden:a.txt');
  });

  it('keeps long ids within 128 characters, and unique through a hash of the path', () => {
    const long = (tail: string) => idFromPath(`${'d'.repeat(200)}${tail}.txt`);
    assert.equal(long('1').length, 128);
    assert.notEqual(long('1'), long('2'));
    assert.match(idFromPath('___'), /^path-[0-9a-f]{16}$/);
  });
});
