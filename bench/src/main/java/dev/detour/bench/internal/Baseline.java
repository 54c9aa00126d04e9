package dev.detour.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a routing baseline picks deployments for one job: the ordered list of providers it will try,
 * and what it learns from each outcome. The cost suite calls the simulator with the project's adapters
 * in that order until one succeeds or the list ends.
 */
public interface Baseline {

    String name();

    /** Providers to try, in order (at most {@link #MAX_ATTEMPTS} are tried). */
    List<String> plan(FaultTrace.Job job, long elapsedMs);

    /** Called after every attempt. */
    default void outcome(String provider, boolean succeeded, long elapsedMs) {}

    int MAX_ATTEMPTS = 3;

    /** Every job to the premium model; transient failures retried on it. */
    static Baseline premiumOnly(String premium) {
        return new Baseline() {
            public String name() {
                return "premium only";
            }

            public List<String> plan(FaultTrace.Job job, long elapsedMs) {
                return List.of(premium, premium, premium);
            }
        };
    }

    /**
     * A static ordered fallback list with cooldowns, as LiteLLM's router does by default: a deployment
     * with 3 failures within a minute cools down for 5 s and is skipped meanwhile.
     */
    static Baseline staticFallback(List<String> order) {
        Map<String, ConcurrentLinkedDeque<Long>> failures = new ConcurrentHashMap<>();
        Map<String, Long> cooldownUntil = new ConcurrentHashMap<>();
        return new Baseline() {
            public String name() {
                return "static fallback + cooldown";
            }

            public List<String> plan(FaultTrace.Job job, long elapsedMs) {
                List<String> warm = new ArrayList<>();
                for (String p : order) {
                    if (cooldownUntil.getOrDefault(p, Long.MIN_VALUE) <= elapsedMs) {
                        warm.add(p);
                    }
                }
                return warm.isEmpty() ? order : warm;
            }

            public void outcome(String provider, boolean succeeded, long elapsedMs) {
                if (succeeded) {
                    return;
                }
                var recent = failures.computeIfAbsent(provider, p -> new ConcurrentLinkedDeque<>());
                recent.addLast(elapsedMs);
                while (!recent.isEmpty() && recent.peekFirst() < elapsedMs - 60_000) {
                    recent.pollFirst();
                }
                if (recent.size() >= 3) {
                    cooldownUntil.put(provider, elapsedMs + 5_000);
                    recent.clear();
                }
            }
        };
    }

    /** Jobs spread over every provider in turn; a failure moves on to the next one. */
    static Baseline roundRobin(List<String> ring) {
        AtomicLong next = new AtomicLong();
        return new Baseline() {
            public String name() {
                return "round robin";
            }

            public List<String> plan(FaultTrace.Job job, long elapsedMs) {
                int start = (int) (next.getAndIncrement() % ring.size());
                List<String> out = new ArrayList<>();
                for (int i = 0; i < ring.size(); i++) {
                    out.add(ring.get((start + i) % ring.size()));
                }
                return out;
            }
        };
    }

    /**
     * Knows the fault schedule: sends each job to the cheapest provider that is up and good enough for
     * it (complex work: the premium tier first; simple work: the cheapest of the top two tiers), the
     * same quality rule the router's tiers express.
     *
     * @param byPrice providers cheapest first
     * @param premium the premium provider
     * @param budget the provider below the quality floor of simple work (last resort)
     */
    static Baseline oracle(FaultTrace trace, List<String> byPrice, String premium, String budget) {
        return new Baseline() {
            public String name() {
                return "oracle (knows the faults)";
            }

            public List<String> plan(FaultTrace.Job job, long elapsedMs) {
                List<String> preference = new ArrayList<>();
                if (job.complex()) {
                    preference.addAll(byPrice.reversed()); // strongest (dearest) first
                } else {
                    byPrice.stream().filter(p -> !p.equals(budget)).forEach(preference::add);
                    preference.add(budget);
                }
                List<String> up = preference.stream().filter(p -> !trace.faulty(p, elapsedMs)).toList();
                return up.isEmpty() ? preference : up;
            }
        };
    }
}
