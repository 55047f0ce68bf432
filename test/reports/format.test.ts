import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shareColumns } from '../../src/reports/format/columns.js';
import { escapeHtml } from '../../src/reports/format/escape-html.js';
import {
  formatCountOf,
  formatInstant,
  formatMs,
  formatPercent,
  formatUsd,
  usdColumnDecimals,
} from '../../src/reports/format/figures.js';
import { htmlTable } from '../../src/reports/format/html-table.js';
import { textTable } from '../../src/reports/format/text-table.js';

// The helpers both report formats write their figures and tables with.

describe('the report figures', () => {
  it('writes dollars with the decimals a small sum needs, and unpriced never as $0', () => {
    assert.equal(formatUsd(12.3456), '$12.35');
    assert.equal(formatUsd(1234.5), '$1,234.50');
    assert.equal(formatUsd(0.0123), '$0.0123');
    assert.equal(formatUsd(0.000123), '$0.000123');
    assert.equal(formatUsd(0.0000001), '<$0.000001');
    assert.equal(formatUsd(-0.5), '-$0.5000');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(0.1, 6), '$0.100000');
    assert.equal(formatUsd(null), 'unpriced');
  });

  it('gives a column of dollars the decimals its smallest figure needs', () => {
    assert.equal(usdColumnDecimals([12, null, 0]), 2);
    assert.equal(usdColumnDecimals([12, 0.05]), 4);
    assert.equal(usdColumnDecimals([0.05, 0.0001]), 6);
  });

  it('writes shares, counts, durations and instants', () => {
    assert.equal(formatPercent(0.1234), '12.3%');
    assert.equal(formatPercent(0.0004), '<0.1%');
    assert.equal(formatPercent(0), '0.0%');
    assert.equal(formatPercent(null), 'n/a');
    assert.equal(formatCountOf(1, 'day'), '1 day');
    assert.equal(formatCountOf(1200, 'day'), '1,200 days');
    assert.equal(formatMs(1234.6), '1,235 ms');
    assert.equal(formatMs(null), 'n/a');
    assert.equal(formatInstant('2026-11-01T09:05:59.000Z'), '2026-11-01 09:05 UTC');
  });
});

describe('the report tables', () => {
  const rows = [
    { key: 'transient', count: 1200, share: 0.5 },
    { key: '<b>', count: 3, share: null },
  ];

  it('aligns a terminal table: text left, numbers right, a rule as wide as each column', () => {
    assert.deepEqual(textTable(shareColumns('class'), rows), [
      '  class      count  share',
      '  ─────────  ─────  ─────',
      '  transient  1,200  50.0%',
      '  <b>            3    n/a',
    ]);
  });

  it('escapes every cell of an HTML table and says when it is empty', () => {
    const html = htmlTable('Errors', shareColumns('class'), rows);
    assert.ok(html.includes('<td>&#60;b&#62;</td><td class="num">3</td>'));
    assert.ok(!html.includes('<b>'));
    assert.match(
      htmlTable('Errors', shareColumns('class'), []),
      /<td colspan="3" class="none">nothing in the window<\/td>/,
    );
    assert.equal(escapeHtml(`"'&`), '&#34;&#39;&#38;');
  });
});
