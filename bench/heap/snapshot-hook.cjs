// Heap snapshots of a benchmarked worker, taken while it runs (npm run bench -- --heap-snapshots DIR).
//
// Loaded with `node --require` into the worker process, so that it also runs in every worker thread the process
// starts (the Temporal SDK runs workflows in one), which `--import` would not reach. Each thread polls DIR/request;
// when its content changes to a new label, the thread writes DIR/<label>-pid<pid>-thread<id>.heapsnapshot. A snapshot
// stops the thread for seconds and needs about the heap's size again in memory: figures of a run that took one are
// not comparable to others. Every thread also appends its V8 heap's figures to DIR/memory-pid<pid>-thread<id>.jsonl
// every 5 s, beside the process's RSS, so that the RSS can be split into JavaScript heaps and the rest (native).
'use strict';
// process.getBuiltinModule rather than require: the same in CommonJS and ES modules (Node ≥ 20.16).
const { appendFileSync, existsSync, mkdirSync, readFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');
const v8 = process.getBuiltinModule('node:v8');
const { threadId } = process.getBuiltinModule('node:worker_threads');

const dir = process.env.DOCKET_BENCH_HEAP_SNAPSHOTS;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const request = join(dir, 'request');
  let taken = '';
  setInterval(() => {
    if (!existsSync(request)) return;
    const label = readFileSync(request, 'utf8').trim();
    if (!label || label === taken) return;
    taken = label;
    v8.writeHeapSnapshot(join(dir, `${label}-pid${process.pid}-thread${threadId}.heapsnapshot`));
  }, 500).unref();
  const memory = join(dir, `memory-pid${process.pid}-thread${threadId}.jsonl`);
  setInterval(() => {
    const heap = v8.getHeapStatistics();
    const line = {
      t: Date.now(),
      rss: process.memoryUsage.rss(),
      heapTotal: heap.total_heap_size,
      heapUsed: heap.used_heap_size,
      external: heap.external_memory,
      malloced: heap.malloced_memory,
      contexts: heap.number_of_native_contexts,
    };
    try {
      appendFileSync(memory, `${JSON.stringify(line)}\n`);
    } catch {
      // A full disk or a removed folder must not stop the worker being measured.
    }
  }, 5000).unref();
}
