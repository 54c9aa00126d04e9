package dev.detour.router.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnwrittenIdsTest {
    @Test
    void findsWhatWasPutAndNothingElse() {
        var ids = new UnwrittenIds(1_000);
        for (int i = 0; i < 1_000; i++) {
            String id = "job-" + i;
            ids.put(SplitBlockBloomFilter.hash(id), id, i);
        }
        assertThat(ids.isFull()).isTrue();
        for (int i = 0; i < 1_000; i++) {
            String id = "job-" + i;
            assertThat(ids.timeOf(SplitBlockBloomFilter.hash(id), id)).isEqualTo(i);
        }
        assertThat(ids.timeOf(SplitBlockBloomFilter.hash("job-1000"), "job-1000")).isEqualTo(UnwrittenIds.ABSENT);
    }

    @Test
    void idsWhoseHashesCollideStayApart() {
        var ids = new UnwrittenIds(8);
        // The same hash for different ids, as a chosen id could produce: the string decides.
        ids.put(42, "a", 1);
        ids.put(42, "b", 2);
        ids.put(42 + 16, "c", 3); // another hash on the same slot
        assertThat(ids.timeOf(42, "a")).isEqualTo(1);
        assertThat(ids.timeOf(42, "b")).isEqualTo(2);
        assertThat(ids.timeOf(42 + 16, "c")).isEqualTo(3);
        assertThat(ids.timeOf(42, "c")).isEqualTo(UnwrittenIds.ABSENT);
        ids.put(42, "b", 7);
        assertThat(ids.timeOf(42, "b")).isEqualTo(7);
        assertThat(ids.size()).isEqualTo(3);
    }

    @Test
    void visitsInArrivalOrderAndStartsOverWhenCleared() {
        var ids = new UnwrittenIds(4);
        for (String id : new String[] {"x", "y", "z", "w"}) {
            ids.put(SplitBlockBloomFilter.hash(id), id, id.charAt(0));
        }
        assertThatThrownBy(() -> ids.put(SplitBlockBloomFilter.hash("v"), "v", 0)).isInstanceOf(IllegalStateException.class);
        Map<String, Long> seen = new LinkedHashMap<>();
        ids.forEach(seen::put);
        assertThat(seen).containsExactly(Map.entry("x", (long) 'x'), Map.entry("y", (long) 'y'), Map.entry("z", (long) 'z'),
                Map.entry("w", (long) 'w'));

        ids.clear();
        assertThat(ids.size()).isZero();
        assertThat(ids.timeOf(SplitBlockBloomFilter.hash("x"), "x")).isEqualTo(UnwrittenIds.ABSENT);
        ids.put(SplitBlockBloomFilter.hash("v"), "v", 5);
        assertThat(ids.timeOf(SplitBlockBloomFilter.hash("v"), "v")).isEqualTo(5);
    }
}
