package dev.detour.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeenIdTableTest {

    @Test
    void everyEntryOfAHashIsFoundWithItsSequenceThroughGrowth() {
        SeenIdTable table = new SeenIdTable();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            table.put(SeenIdTable.hash("job-" + i), i);
        }
        table.put(SeenIdTable.hash("job-7"), n); // seen again after its window

        assertThat(table.size()).isEqualTo(n + 1);
        assertThat(table.capacity()).isGreaterThanOrEqualTo(2 * (n + 1));
        for (int i = 0; i < n; i += 97) {
            assertThat(sequencesOf(table, "job-" + i)).as("job-" + i).contains((long) i);
        }
        assertThat(sequencesOf(table, "job-7")).containsExactlyInAnyOrder(7L, (long) n);
        assertThat(sequencesOf(table, "job-" + n)).isEmpty();
    }

    @Test
    void retainDropsWhatItIsToldAndEveryOtherEntryIsStillFound() {
        // Small hash space, so clusters form and removals leave gaps inside them.
        SplittableRandom random = new SplittableRandom(7);
        SeenIdTable table = new SeenIdTable();
        Map<Long, List<Long>> expected = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            long hash = random.nextLong(1_500) * 1024; // equal low bits: one home slot for all
            hash += random.nextInt(64);
            table.put(hash, i);
            expected.computeIfAbsent(hash, k -> new ArrayList<>()).add((long) i);
        }

        int dropped = table.retain((hash, seq) -> seq % 3 != 0);

        assertThat(dropped).isEqualTo(1_000);
        assertThat(table.size()).isEqualTo(2_000);
        expected.forEach((hash, seqs) -> assertThat(sequences(table, hash))
                .containsExactlyInAnyOrderElementsOf(seqs.stream().filter(s -> s % 3 != 0).toList()));
    }

    @Test
    void putsAfterLookupsAndSweepsKeepEveryEntryFindable() {
        // The accept path: walk the hash's entries, then put; sweeps in between. Clustered hashes.
        SplittableRandom random = new SplittableRandom(11);
        SeenIdTable table = new SeenIdTable();
        Map<Long, List<Long>> expected = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            long hash = random.nextLong(4_000) * 4096 + random.nextInt(32);
            assertThat(sequences(table, hash)).containsExactlyInAnyOrderElementsOf(expected.getOrDefault(hash, List.of()));
            table.put(hash, i);
            expected.computeIfAbsent(hash, k -> new ArrayList<>()).add((long) i);
            if (i % 5_000 == 4_999) {
                long cutoff = i - 2_500;
                table.retain((h, seq) -> seq >= cutoff);
                expected.values().forEach(seqs -> seqs.removeIf(seq -> seq < cutoff));
            }
        }
        expected.forEach((hash, seqs) -> assertThat(sequences(table, hash)).containsExactlyInAnyOrderElementsOf(seqs));
    }

    @Test
    void aPutAfterASweepDoesNotUseTheFreeSlotALookupBeforeItFound() {
        SeenIdTable table = new SeenIdTable();
        long[] sameHome = {1024, 2048, 3072, 4096};
        for (int i = 0; i < 3; i++) {
            table.put(sameHome[i], i);
        }
        assertThat(sequences(table, sameHome[3])).isEmpty(); // walked to the free slot behind the three

        table.retain((hash, seq) -> seq != 0); // the first of the run goes, the others move up
        table.put(sameHome[3], 3);

        assertThat(sequences(table, sameHome[3])).containsExactly(3L);
        assertThat(sequences(table, sameHome[2])).containsExactly(2L);
    }

    @Test
    void aMostlyEmptiedTableShrinks() {
        SeenIdTable table = new SeenIdTable();
        for (int i = 0; i < 100_000; i++) {
            table.put(SeenIdTable.hash("old-" + i), i);
        }
        int big = table.capacity();
        table.put(SeenIdTable.hash("new"), 100_000);

        table.retain((hash, seq) -> seq >= 100_000);

        assertThat(table.capacity()).isLessThan(big / 8);
        assertThat(sequencesOf(table, "new")).containsExactly(100_000L);
        assertThat(sequencesOf(table, "old-1")).isEmpty();
    }

    @Test
    void idsDifferingInOneCharacterOrByOrderHashApart() {
        Set<String> variants = new HashSet<>();
        Set<Long> hashes = new HashSet<>();
        String base = "0f8fad5b-d9cb-469f-a165-70867728950e";
        for (int i = 0; i < base.length(); i++) {
            for (char c : "0123456789abcdef".toCharArray()) {
                String v = base.substring(0, i) + c + base.substring(i + 1);
                variants.add(v);
                hashes.add(SeenIdTable.hash(v));
            }
        }
        assertThat(SeenIdTable.hash("ab")).isNotEqualTo(SeenIdTable.hash("ba"));
        assertThat(SeenIdTable.hash("Aa")).isNotEqualTo(SeenIdTable.hash("BB"));
        assertThat(SeenIdTable.hash("")).isNotEqualTo(SeenIdTable.hash("\0"));
        assertThat(hashes).hasSameSizeAs(variants);
    }

    private static List<Long> sequencesOf(SeenIdTable table, String id) {
        return sequences(table, SeenIdTable.hash(id));
    }

    private static List<Long> sequences(SeenIdTable table, long hash) {
        List<Long> seqs = new ArrayList<>();
        for (int slot = table.find(hash); slot >= 0; slot = table.findNext(hash, slot)) {
            seqs.add(table.seqAt(slot));
        }
        return seqs;
    }
}
