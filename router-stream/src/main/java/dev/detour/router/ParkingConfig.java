package dev.detour.router;

import java.time.Duration;

/**
 * How parked jobs are re-examined.
 *
 * @param checkInterval wall-clock period of the parking punctuator
 * @param initialBackoff first pool-wide wait after a pool was found with nothing eligible
 * @param maxBackoff cap of the doubling pool-wide wait
 * @param maxPark a job without a deadline fails with NO_ROUTE after being parked this long
 * @param releaseBatch most jobs released per pool per tick, so a recovering deployment is not flooded
 */
public record ParkingConfig(Duration checkInterval, Duration initialBackoff, Duration maxBackoff, Duration maxPark,
                            int releaseBatch) {
    public static ParkingConfig defaults() {
        return new ParkingConfig(Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofSeconds(10),
                Duration.ofMinutes(10), 500);
    }
}
