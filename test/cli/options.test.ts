import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { extensionList, positiveInteger, positiveNumber } from '../../src/cli/options.js';

describe('the option parsers of the docket CLI', () => {
  it('positiveInteger accepts whole numbers above zero and refuses the rest', () => {
    assert.equal(positiveInteger('1'), 1);
    assert.equal(positiveInteger('500'), 500);
    for (const bad of ['0', '-3', '1.5', 'ten', '', 'Infinity']) {
      assert.throws(
        () => positiveInteger(bad),
        { name: InvalidArgumentError.name, message: 'expected a positive integer' },
        bad,
      );
    }
  });

  it('positiveNumber accepts fractions above zero and refuses zero, negatives and non-numbers', () => {
    assert.equal(positiveNumber('0.25'), 0.25);
    assert.equal(positiveNumber('30'), 30);
    for (const bad of ['0', '-0.1', 'abc', 'Infinity', 'NaN']) {
      assert.throws(() => positiveNumber(bad), { message: 'expected a positive number' }, bad);
    }
  });

  it('extensionList drops dots, blanks and spaces, and refuses a list with no extension', () => {
    assert.deepEqual(extensionList('txt,md'), ['txt', 'md']);
    assert.deepEqual(extensionList(' .txt , .MD ,,'), ['txt', 'MD']);
    for (const bad of ['', ',', ' , . ']) {
      assert.throws(() => extensionList(bad), { message: 'expected extensions like txt,md' }, JSON.stringify(bad));
    }
  });
});
