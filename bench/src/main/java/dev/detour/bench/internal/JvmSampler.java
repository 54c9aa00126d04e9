package dev.detour.bench.internal;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Peak heap used and peak live platform threads of this JVM while a stage runs, sampled every 100 ms
 * (virtual threads are not platform threads and do not count). The broker and the simulator share
 * the JVM, so figures are reported next to the baseline taken before the stage.
 */
public final class JvmSampler implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final long baselineHeap;
    private final int baselineThreads;
    private volatile long peakHeap;
    private volatile int peakThreads;

    private JvmSampler() {
        System.gc();
        var memory = ManagementFactory.getMemoryMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        baselineHeap = memory.getHeapMemoryUsage().getUsed();
        baselineThreads = threads.getThreadCount();
        peakHeap = baselineHeap;
        peakThreads = baselineThreads;
        thread = Thread.ofPlatform().daemon().name("bench-jvm-sampler").start(() -> {
            while (running.get()) {
                peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                peakThreads = Math.max(peakThreads, threads.getThreadCount());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public static JvmSampler start() {
        return new JvmSampler();
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

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
    }
}
