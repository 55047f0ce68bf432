import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createBigFileGate } from '../../src/extraction/big-file-gate.js';
import { contentHash } from '../../src/extraction/index.js';

describe('the content hash', () => {
  it('is the SHA-256 of the bytes, so that the same file again has the same hash', () => {
    assert.equal(contentHash(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(contentHash(Buffer.from('abc')), contentHash(new Uint8Array([0x61, 0x62, 0x63])));
    assert.notEqual(contentHash(Buffer.from('abc')), contentHash(Buffer.from('abd')));
  });
});

describe('the big-file gate', () => {
  async function peakInFlight(sizes: number[], fail = false): Promise<number> {
    const gate = createBigFileGate(1000);
    let inFlight = 0;
    let peak = 0;
    await Promise.allSettled(
      sizes.map((size, i) =>
        gate(size, async () => {
          peak = Math.max(peak, ++inFlight);
          await sleep(20);
          inFlight--;
          if (fail && i === 0) throw new Error('extractor crashed');
        }),
      ),
    );
    return peak;
  }

  it('parses big files one at a time', async () => {
    assert.equal(await peakInFlight([1000, 5000, 2000]), 1);
  });

  it('lets small files through at once', async () => {
    assert.equal(await peakInFlight([10, 999, 500]), 3);
  });

  it('goes on after a big file whose extraction failed', async () => {
    const gate = createBigFileGate(1000);
    await assert.rejects(
      gate(2000, () => Promise.reject(new Error('crash'))),
      /crash/,
    );
    assert.equal(await gate(2000, () => Promise.resolve('next')), 'next');
    assert.equal(await peakInFlight([2000, 3000], true), 1);
  });
});
