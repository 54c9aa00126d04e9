package dev.detour.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cores kept busy over an interval, read from Linux's {@code /proc}: by the whole machine (every
 * process, other tenants of a shared host included) and by each named process. Open-loop latency on
 * a host whose cores are nearly all busy is mostly time spent waiting for a core; this says how near
 * a row was. NaN where {@code /proc} cannot be read.
 */
public final class CpuUse {
    /** Linux reports process times in USER_HZ ticks: 100 per second on x86-64 and arm64. */
    static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> pids;
    private final Map<String, Long> jitPids;
    private final Map<String, long[]> jitThreads = new LinkedHashMap<>();
    private final long startNanos;
    private final long[] machineStart;
    private final Map<String, Long> ticksStart = new LinkedHashMap<>();

    private CpuUse(Map<String, Long> pids, Map<String, Long> jitPids) {
        this.pids = Map.copyOf(pids);
        this.jitPids = Map.copyOf(jitPids);
        jitPids.forEach((name, pid) -> jitThreads.put(name, compilerThreads(pid)));
        this.startNanos = System.nanoTime();
        this.machineStart = machineTicks();
        pids.forEach((name, pid) -> ticksStart.put(name, processTicks(pid)));
        jitPids.forEach((name, pid) -> ticksStart.put(name, threadTicks(pid, jitThreads.get(name))));
    }

    /** Starts counting, for the machine and for the processes by label (e.g. "broker" -> its pid). */
    public static CpuUse start(Map<String, Long> pids) {
        return new CpuUse(pids, Map.of());
    }

    /**
     * As {@link #start(Map)}, and also the JIT compiler threads of the processes in {@code jitOf} by
     * label (e.g. "JIT" -> this JVM's pid; labels other than those of {@code pids}): a row measured
     * while the JIT still compiles shares its cores with the compiler.
     */
    public static CpuUse start(Map<String, Long> pids, Map<String, Long> jitOf) {
        return new CpuUse(pids, jitOf);
    }

    /** Cores busy since the start: the machine's, and each process's by label. */
    public Figures stop() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long[] machineEnd = machineTicks();
        double machine = Double.NaN;
        if (machineStart != null && machineEnd != null && machineEnd[1] > machineStart[1]) {
            double busyShare = (double) (machineEnd[0] - machineStart[0]) / (machineEnd[1] - machineStart[1]);
            machine = busyShare * machineEnd[2];
        }
        Map<String, Double> byProcess = new LinkedHashMap<>();
        pids.forEach((name, pid) -> byProcess.put(name, cores(ticksStart.get(name), processTicks(pid), seconds)));
        jitPids.forEach((name, pid) ->
                byProcess.put(name, cores(ticksStart.get(name), threadTicks(pid, jitThreads.get(name)), seconds)));
        return new Figures(machine, Map.copyOf(byProcess));
    }

    private static double cores(long ticksBefore, long ticksAfter, double seconds) {
        return ticksBefore < 0 || ticksAfter < 0 || seconds <= 0 ? Double.NaN
                : (ticksAfter - ticksBefore) / TICKS_PER_SECOND / seconds;
    }

    /**
     * @param machineCores cores busy on the whole machine
     * @param processCores cores busy per labelled process (and per labelled set of JIT compiler threads)
     */
    public record Figures(double machineCores, Map<String, Double> processCores) {
        public double process(String name) {
            return processCores.getOrDefault(name, Double.NaN);
        }
    }

    /**
     * {busy, total} ticks of all cores since boot (the first line of /proc/stat) and the number of cores
     * it counts (its cpuN lines: the machine's, which a container's CPU limit does not change); null if
     * unreadable.
     */
    static long[] machineTicks() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal (guest time is already in user)
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long cores = lines.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
            return new long[] {total - idle, total, cores};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** User plus system ticks of a process, -1 if unreadable (fields 14 and 15 of /proc/PID/stat). */
    static long processTicks(long pid) {
        return statTicks(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * The ids of a JVM's JIT compiler threads (HotSpot's "C1 CompilerThread<n>" and "C2 CompilerThread<n>",
     * whose Linux names are cut to 15 characters); empty if unreadable. Threads the JVM starts later are
     * not in it: with dynamic compiler threads (the default) it starts one of each and adds more only
     * where it may run more than two (not on two cores).
     */
    static long[] compilerThreads(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var ids = Files.list(tasks)) {
            return ids.filter(t -> {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }).mapToLong(t -> Long.parseLong(t.getFileName().toString())).sorted().toArray();
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    /** User plus system ticks of these threads of a process, summed; -1 if none was readable. */
    static long threadTicks(long pid, long[] tids) {
        long sum = 0;
        boolean any = false;
        for (long tid : tids) {
            long ticks = statTicks(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "stat"));
            if (ticks >= 0) {
                sum += ticks;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    private static long statTicks(Path stat) {
        try {
            String line = Files.readString(stat);
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
