package dev.detour.bench.internal;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Peak heap used, peak live platform threads and peak open file descriptors of this JVM while a stage
 * runs, sampled every 100 ms (virtual threads are not platform threads and do not count), and the CPU
 * it used. Optionally the same for a helper process (the simulator): its peak resident memory and
 * threads, and its CPU. The broker shares this JVM, so figures are reported next to the baseline taken
 * before the stage.
 */
public final class JvmSampler implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final long otherPid;
    private final long baselineHeap;
    private final int baselineThreads;
    private final long startNanos = System.nanoTime();
    private final long startCpuNanos;
    private final long otherStartCpuNanos;
    private volatile long peakHeap;
    private volatile int peakThreads;
    private volatile long peakOpenFds;
    private volatile long peakHeapAfterGc = -1;
    private final java.util.List<Runnable> unsubscribe = new java.util.ArrayList<>();
    private volatile double otherPeakRssMb = Double.NaN;
    private volatile int otherPeakThreads = -1;
    private volatile long wallNanos = -1;
    private volatile long cpuNanos = -1;
    private volatile long otherCpuNanos = -1;

    private JvmSampler(long otherPid) {
        this.otherPid = otherPid;
        System.gc();
        var memory = ManagementFactory.getMemoryMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        baselineHeap = memory.getHeapMemoryUsage().getUsed();
        baselineThreads = threads.getThreadCount();
        peakHeap = baselineHeap;
        peakThreads = baselineThreads;
        peakOpenFds = openFds();
        watchCollections();
        startCpuNanos = processCpuNanos();
        otherStartCpuNanos = otherCpuNanos(otherPid);
        thread = Thread.ofPlatform().daemon().name("bench-jvm-sampler").start(() -> {
            while (running.get()) {
                peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                peakThreads = Math.max(peakThreads, threads.getThreadCount());
                peakOpenFds = Math.max(peakOpenFds, openFds());
                if (otherPid > 0) {
                    SimulatorProcess.ProcessFigures f = SimulatorProcess.ProcessFigures.of(otherPid);
                    if (!Double.isNaN(f.rssMb())) {
                        otherPeakRssMb = Double.isNaN(otherPeakRssMb) ? f.rssMb() : Math.max(otherPeakRssMb, f.rssMb());
                    }
                    otherPeakThreads = Math.max(otherPeakThreads, f.threads());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public static JvmSampler start() {
        return new JvmSampler(-1);
    }

    /** Also samples the process {@code pid} (resident memory, threads, CPU from /proc). */
    public static JvmSampler startWatching(long pid) {
        return new JvmSampler(pid);
    }

    public double baselineHeapMb() {
        return baselineHeap / 1048576.0;
    }

    public double peakHeapMb() {
        return peakHeap / 1048576.0;
    }

    public int baselineThreads() {
        return baselineThreads;
    }

    public int peakThreads() {
        return peakThreads;
    }

    /**
     * Peak of the heap used right after a collection, over the collections during the stage: an upper
     * bound of the live data (what the stage really holds), unlike the peak used, which is mostly
     * garbage not yet collected when the heap is large. -1 when no collection ran.
     */
    public double peakHeapAfterGcMb() {
        return peakHeapAfterGc < 0 ? -1 : peakHeapAfterGc / 1048576.0;
    }

    /** Peak open file descriptors of this JVM (sockets included); -1 where the JVM cannot tell. */
    public long peakOpenFds() {
        return peakOpenFds;
    }

    public double otherPeakRssMb() {
        return otherPeakRssMb;
    }

    public int otherPeakThreads() {
        return otherPeakThreads;
    }

    /** CPU seconds this JVM used between start and close (NaN where unknown). */
    public double cpuSeconds() {
        return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e9;
    }

    /** CPU seconds the watched process used between start and close (NaN where unknown). */
    public double otherCpuSeconds() {
        return otherCpuNanos < 0 ? Double.NaN : otherCpuNanos / 1e9;
    }

    /** CPU this JVM used per wall-clock second between start and close (1.0 = one core busy). */
    public double cores() {
        return cpuNanos < 0 || wallNanos <= 0 ? Double.NaN : (double) cpuNanos / wallNanos;
    }

    /** The same for the watched process. */
    public double otherCores() {
        return otherCpuNanos < 0 || wallNanos <= 0 ? Double.NaN : (double) otherCpuNanos / wallNanos;
    }

    @Override
    public void close() {
        if (running.getAndSet(false)) {
            wallNanos = System.nanoTime() - startNanos;
            long cpu = processCpuNanos();
            cpuNanos = cpu < 0 || startCpuNanos < 0 ? -1 : cpu - startCpuNanos;
            long other = otherCpuNanos(otherPid);
            otherCpuNanos = other < 0 || otherStartCpuNanos < 0 ? -1 : other - otherStartCpuNanos;
        }
        thread.interrupt();
        unsubscribe.forEach(Runnable::run);
    }

    /** Listens to every collector's notifications for the heap used after each collection. */
    private void watchCollections() {
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof javax.management.NotificationEmitter emitter)) {
                continue;
            }
            javax.management.NotificationListener listener = (notification, handback) -> {
                if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                        .equals(notification.getType())) {
                    return;
                }
                var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                        (javax.management.openmbean.CompositeData) notification.getUserData());
                long after = 0;
                for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (isHeapPool(e.getKey())) {
                        after += e.getValue().getUsed();
                    }
                }
                peakHeapAfterGc = Math.max(peakHeapAfterGc, after);
            };
            emitter.addNotificationListener(listener, null, null);
            unsubscribe.add(() -> {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException gone) {
                    // already removed
                }
            });
        }
    }

    private static boolean isHeapPool(String pool) {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(pool) && p.getType() == java.lang.management.MemoryType.HEAP);
    }

    private static long openFds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        return -1;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** utime + stime of a process from /proc/<pid>/stat, in nanoseconds; -1 where unknown. */
    private static long otherCpuNanos(long pid) {
        long ticks = pid <= 0 ? -1 : CpuUse.processTicks(pid);
        return ticks < 0 ? -1 : (long) (ticks * (1e9 / CpuUse.TICKS_PER_SECOND));
    }
}
