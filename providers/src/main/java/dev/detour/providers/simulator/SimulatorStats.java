package dev.detour.providers.simulator;

import java.util.Map;

/**
 * What one simulated provider has answered since start (or since {@link ProviderSimulator#resetStats}).
 *
 * @param byStatus     HTTP status -> count; status 0 counts connections cut on purpose
 * @param inFlight     requests being answered now
 * @param peakInFlight most requests answered at the same time
 */
public record SimulatorStats(long requests, long succeeded, Map<Integer, Long> byStatus, long inFlight, long peakInFlight) {
    public SimulatorStats {
        byStatus = Map.copyOf(byStatus);
    }

    public long status(int code) {
        return byStatus.getOrDefault(code, 0L);
    }
}
