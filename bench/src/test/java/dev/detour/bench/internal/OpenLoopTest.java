package dev.detour.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OpenLoopTest {

    @Test
    void sendsEveryEventWithDueTimesInOrder() throws Exception {
        long[] due = new long[50];

        long start = OpenLoop.run(10_000, due.length, (i, dueNanos) -> due[i] = dueNanos);

        assertThat(due[0]).isEqualTo(start);
        for (int i = 1; i < due.length; i++) {
            assertThat(due[i]).isGreaterThan(due[i - 1]);
        }
    }

    @Test
    void awaitingAnswersReturnsOnceAllAreInAndGivesUpAtTheDeadlineOtherwise() throws Exception {
        AtomicLong answered = new AtomicLong(3);
        OpenLoop.awaitAnswers(answered::get, 3, Duration.ofMinutes(10));

        // Never reached: it returns after its deadline, leaving the shortfall to the caller.
        long before = System.nanoTime();
        OpenLoop.awaitAnswers(answered::get, 4, Duration.ofMillis(50));
        assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(answered.get()).isEqualTo(3);
    }
}
