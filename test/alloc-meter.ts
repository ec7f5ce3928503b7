import { GCProfiler, getHeapStatistics } from "node:v8";

/**
 * Bytes allocated on the V8 heap while `fn` runs: the growth of the used heap plus what every
 * garbage collection in between freed (v8.GCProfiler reports each one's used heap before and
 * after), so the figure holds however many scavenges ran. Not counted: ArrayBuffer backing stores
 * outside the heap (Buffer pools, typed arrays' data). A major GC inside the window also counts
 * garbage made before it, so measure a steady state, after a warm-up.
 */
export async function allocatedBytes(fn: () => Promise<void> | void): Promise<{ bytes: number; gcs: number }> {
  const profiler = new GCProfiler();
  profiler.start();
  const before = getHeapStatistics().used_heap_size;
  await fn();
  const after = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  let freed = 0;
  for (const s of statistics) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  return { bytes: after - before + freed, gcs: statistics.length };
}
