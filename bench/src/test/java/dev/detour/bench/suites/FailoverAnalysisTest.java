package dev.detour.bench.suites;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.bench.internal.AttemptLog.Attempt;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failover figures read from a made-up attempt log whose answer is known. */
class FailoverAnalysisTest {
    static final String P = "t.provider.primary";
    static final String S = "t.provider.secondary";

    /** 100 attempts/s; before t0 all on the primary, then primary until t0 + 1.5 s, then none, then back at t1 + 3 s. */
    private static List<Attempt> log(long t0, long t1, long end) {
        List<Attempt> out = new ArrayList<>();
        for (long t = t0 - 5_000; t < end; t += 10) {
            boolean primary = t < t0 + 1_500 || t >= t1 + 3_000;
            out.add(new Attempt(primary ? P : S, t));
        }
        return out;
    }

    @Test
    void reactionAttemptsAndRecoveryComeFromTheWindows() {
        long t0 = 100_000;
        long t1 = t0 + 10_000;
        var a = FailoverReaction.analyse(log(t0, t1, t1 + 10_000), P, t0, t1);

        assertThat(a.shareBefore()).isEqualTo(1.0);
        assertThat(a.reactionMs()).isEqualTo(1_500); // the first window without primary attempts starts at t0 + 1.5 s
        assertThat(a.attemptsDuringReaction()).isEqualTo(150);
        assertThat(a.probesWhileDown()).isZero();
        // the first window after t1 with >= half the old share starts at t1 + 2.5 s; its middle is the step
        assertThat(a.recoveryMs()).isEqualTo(3_000);
    }

    @Test
    void aLoneProbeIsNotTraffic() {
        long t0 = 100_000;
        long t1 = t0 + 10_000;
        List<Attempt> attempts = new ArrayList<>(log(t0, t1, t1 + 10_000));
        attempts.add(new Attempt(P, t0 + 6_000)); // one half-open probe among ~100 attempts in its second

        var a = FailoverReaction.analyse(attempts, P, t0, t1);

        assertThat(a.reactionMs()).isEqualTo(1_500);
        assertThat(a.probesWhileDown()).isEqualTo(1);
    }

    @Test
    void probesAfterTheReactionDoNotExtendIt() {
        long t0 = 100_000;
        long t1 = t0 + 10_000;
        List<Attempt> attempts = new ArrayList<>(log(t0, t1, t1 + 10_000));
        attempts.add(new Attempt(P, t0 + 6_000)); // two half-open probes in one second: 2% of that second
        attempts.add(new Attempt(P, t0 + 6_001));

        var a = FailoverReaction.analyse(attempts, P, t0, t1);

        assertThat(a.reactionMs()).isEqualTo(1_500);
        assertThat(a.attemptsDuringReaction()).isEqualTo(150);
        assertThat(a.probesWhileDown()).isEqualTo(2);
    }

    @Test
    void aProviderNeverAvoidedReactsNotWithinTheOutage() {
        long t0 = 100_000;
        long t1 = t0 + 10_000;
        List<Attempt> attempts = new ArrayList<>();
        for (long t = t0 - 5_000; t < t1 + 2_000; t += 10) {
            attempts.add(new Attempt(P, t));
        }
        var a = FailoverReaction.analyse(attempts, P, t0, t1);
        assertThat(a.reactionMs()).isEqualTo(10_000);
        assertThat(a.attemptsDuringReaction()).isEqualTo(1_000);
    }

    @Test
    void noRecoveryWithinTheRunIsNaN() {
        long t0 = 100_000;
        long t1 = t0 + 10_000;
        List<Attempt> attempts = log(t0, t1, t1 + 2_000); // ends before traffic returns
        var a = FailoverReaction.analyse(attempts, P, t0, t1);
        assertThat(a.recoveryMs()).isNaN();
    }
}
