import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_SALT, DEFAULT_AUDIT_RATE, isAudited } from '../../src/shared/audit.js';
import { splitBucket } from '../../src/shared/split.js';

const IDS = 100_000;
/** Ids shaped as Docket sees them: sequential ones a client chooses, and derived ones (`doc-<hex>`). */
const SHAPES: Record<string, (i: number) => string> = {
  sequential: (i) => `doc-${i}`,
  derived: (i) => `doc-${(Math.imul(i, 2654435761) >>> 0).toString(16).padStart(8, '0')}`,
};

function ids(shape: (i: number) => string, count = IDS): string[] {
  return Array.from({ length: count }, (_, i) => shape(i));
}

describe('isAudited', () => {
  it('audits nothing at rate 0 (or a rate that is not a positive number) and everything at rate 1', () => {
    const sample = ids(SHAPES.sequential!, 10_000);
    for (const rate of [0, -0.5, Number.NaN]) {
      assert.equal(sample.filter((id) => isAudited(id, rate)).length, 0, `rate ${rate}`);
    }
    assert.equal(sample.filter((id) => isAudited(id, 1)).length, sample.length);
    assert.equal(sample.filter((id) => isAudited(id, 1.5)).length, sample.length);
  });

  it('gives the same answer for the same document every time', () => {
    for (const id of ids(SHAPES.derived!, 1_000)) assert.equal(isAudited(id, 0.3), isAudited(id, 0.3));
  });

  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`audits 2% of 100,000 ${name} ids, within three and a half standard deviations`, () => {
      const audited = ids(shape).filter((id) => isAudited(id, DEFAULT_AUDIT_RATE)).length;
      // sd of the share = sqrt(0.02 × 0.98 / 100,000) ≈ 0.00044
      assert.ok(Math.abs(audited / IDS - 0.02) < 0.0015, `audited share ${audited / IDS}`);
    });

    it(`draws ${name} ids independently of the canary split`, () => {
      const all = ids(shape);
      const candidates = all.filter((id) => splitBucket(id) < 0.1);
      const auditedCandidates = candidates.filter((id) => isAudited(id, 0.02)).length;
      // About 10,000 candidates: sd of their audited share ≈ 0.0014.
      assert.ok(Math.abs(auditedCandidates / candidates.length - 0.02) < 0.005, `${auditedCandidates} audited`);
      // About 2,000 audited documents: sd of their candidate share ≈ 0.0067. Hashing the bare id would put every
      // audited document among a 10% canary's candidates (share 1).
      const audited = all.filter((id) => isAudited(id, 0.02));
      const inCanary = audited.filter((id) => splitBucket(id) < 0.1).length / audited.length;
      assert.ok(Math.abs(inCanary - 0.1) < 0.025, `share of audited documents in the canary ${inCanary}`);
    });
  }

  it('draws a different sample for a different salt', () => {
    const all = ids(SHAPES.sequential!, 20_000);
    const a = new Set(all.filter((id) => isAudited(id, 0.1, AUDIT_SALT)));
    const b = all.filter((id) => isAudited(id, 0.1, 'another-salt'));
    const overlap = b.filter((id) => a.has(id)).length / b.length;
    assert.ok(Math.abs(overlap - 0.1) < 0.03, `overlap ${overlap}`);
  });
});
