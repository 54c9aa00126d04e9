package dev.detour.router.internal;

import static dev.detour.router.testing.Fixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.router.health.BreakerConfig;
import dev.detour.router.health.DeploymentHealthAggregate;
import dev.detour.router.health.HealthWindowConfig;
import dev.detour.schema.ErrorClass;
import org.junit.jupiter.api.Test;

class HealthAggregateCodecTest {
    @Test
    void anAggregateSurvivesTheStoreRoundTrip() {
        HealthWindowConfig window = HealthWindowConfig.defaults();
        BreakerConfig breaker = BreakerConfig.defaults();
        DeploymentHealthAggregate a = new DeploymentHealthAggregate("beta/m", "beta", "m", window, breaker);
        for (int i = 0; i < 30; i++) {
            ErrorClass c = i % 4 == 0 ? ErrorClass.SERVER_ERROR : i % 4 == 1 ? ErrorClass.RATE_LIMITED : null;
            a.record(outcome("beta/m", c == null, c, 100 + i, 1_000L * i, c == ErrorClass.RATE_LIMITED ? 500L : null),
                    1_000L * i);
        }
        HealthAggregateCodec codec = new HealthAggregateCodec(window, breaker);
        byte[] bytes = codec.encode(a);
        DeploymentHealthAggregate back = codec.decode(bytes);

        assertThat(back.snapshot(30_000)).isEqualTo(a.snapshot(30_000));
        assertThat(codec.encode(back)).isEqualTo(bytes);
        assertThat(bytes.length).isLessThan(2_000);
    }
}
