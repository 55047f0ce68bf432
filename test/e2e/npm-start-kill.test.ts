import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareDevRun, type DevRun } from '../helpers/npm-start.js';

describe('npm start killed with SIGKILL', () => {
  let run: DevRun;
  before(async () => {
    run = await prepareDevRun('docket-kill-');
  });
  after(() => run.cleanUp());

  it('takes the Temporal dev server down with it, whether npm or Docket itself is killed, and the next start works', async () => {
    const first = await run.started();
    process.kill(first.child.pid!, 'SIGKILL');
    await run.noProcessLeft();

    const second = await run.started();
    process.kill(run.docketPid(), 'SIGKILL');
    await run.noProcessLeft();
    await second.exited;

    const third = await run.started();
    assert.equal((await fetch(`${run.api}/healthz`)).status, 200);
    third.ctrlC();
    assert.equal((await third.exited).code, 0);
    await run.noProcessLeft();
  });
});
