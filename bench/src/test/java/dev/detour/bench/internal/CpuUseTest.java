package dev.detour.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CpuUseTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void aProcessThatComputesKeepsACoreBusyAndTheMachineCountsIt() throws Exception {
        CpuUse cpu = CpuUse.start(Map.of("self", SELF, "gone", Long.MAX_VALUE));
        long before = CpuUse.processTicks(SELF);
        AtomicBoolean stop = new AtomicBoolean();
        Thread spinner = Thread.ofPlatform().start(() -> {
            long x = 0;
            while (!stop.get()) {
                x += System.nanoTime() % 7;
            }
            assertThat(x).isNotNegative();
        });
        try {
            // 20 ticks: 0.2 s of CPU, well above the 10 ms resolution of the counters.
            await().atMost(Duration.ofSeconds(30)).until(() -> CpuUse.processTicks(SELF) - before >= 20);
        } finally {
            stop.set(true);
            spinner.join();
        }
        CpuUse.Figures f = cpu.stop();

        // The machine's cores, as /proc/stat counts them (a container's CPU limit does not change them).
        long cores = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        assertThat(f.process("self")).isGreaterThan(0.0).isLessThanOrEqualTo(cores + 0.5);
        assertThat(f.machineCores()).isGreaterThan(0.0).isLessThanOrEqualTo(cores + 0.01);
        assertThat(f.process("gone")).isNaN();
        assertThat(f.process("never asked")).isNaN();
    }

    @Test
    void findsThisJvmsJitCompilerThreadsAndReadsTheirTicks() {
        long[] compilers = CpuUse.compilerThreads(SELF);

        // HotSpot with tiered compilation keeps at least one C1 and one C2 compiler thread alive.
        assertThat(compilers).hasSizeGreaterThanOrEqualTo(2);
        assertThat(CpuUse.threadTicks(SELF, compilers)).isNotNegative();
        assertThat(CpuUse.compilerThreads(Long.MAX_VALUE)).isEmpty();
        assertThat(CpuUse.threadTicks(SELF, new long[] {Long.MAX_VALUE})).isEqualTo(-1);
        assertThat(CpuUse.threadTicks(SELF, new long[0])).isEqualTo(-1);
    }

    @Test
    void countsTheJitCompilerThreadsOfAProcessUnderTheirOwnLabel() {
        CpuUse cpu = CpuUse.start(Map.of("self", SELF), Map.of("self JIT", SELF, "gone JIT", Long.MAX_VALUE));

        CpuUse.Figures f = cpu.stop();

        assertThat(f.process("self JIT")).isNotNaN().isGreaterThanOrEqualTo(0.0);
        assertThat(f.process("gone JIT")).isNaN();
    }
}
