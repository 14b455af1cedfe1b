// Preloaded into the action child (`NODE_OPTIONS=--import=<this file>`): when the process exits it writes its
// own accounting — peak RSS, user and system CPU, event-loop utilisation — to BENCH_USAGE_FILE. The child
// measures itself, so nothing is lost between its last sample and its exit, and nothing in src/ changes.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const target = process.env.BENCH_USAGE_FILE;
if (target !== undefined && target !== '') {
  // Peaks of the heap parts, so a large RSS can be told apart: JS heap, or buffers outside it.
  const peak = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
    peak.external = Math.max(peak.external, m.external);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  };
  // process.memoryUsage() costs ~1 ms on a large heap: every 250 ms keeps the overhead well under 1%.
  setInterval(sample, 250).unref();
  process.once('exit', (code) => {
    sample();
    const usage = process.resourceUsage();
    const elu = performance.eventLoopUtilization();
    const report = {
      code,
      // resourceUsage: maxRSS in kilobytes, CPU times in microseconds.
      maxRssBytes: usage.maxRSS * 1024,
      userCpuMs: usage.userCPUTime / 1000,
      systemCpuMs: usage.systemCPUTime / 1000,
      voluntaryContextSwitches: usage.voluntaryContextSwitches,
      involuntaryContextSwitches: usage.involuntaryContextSwitches,
      fsWrite: usage.fsWrite,
      eventLoopUtilization: elu.utilization,
      uptimeMs: process.uptime() * 1000,
      peakHeapUsedBytes: peak.heapUsed,
      peakHeapTotalBytes: peak.heapTotal,
      peakExternalBytes: peak.external,
      peakArrayBuffersBytes: peak.arrayBuffers,
    };
    writeFileSync(target, JSON.stringify(report));
  });
}
