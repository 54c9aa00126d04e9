package dev.detour.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.schema.ErrorClass;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterSettingsTest {
    private final RouterConfig base = RouterConfig.defaults("localhost:9092", "mock://x");

    @Test
    void keysMatchWhateverTheSpellingYamlOrEnvironment() {
        RouterConfig c = RouterSettings.apply(base, Map.of(
                "breaker.failureRateThreshold", "30",
                "breaker.wait-duration-in-open-state-ms", "2000",
                "breaker.permitted.number.of.calls.in.half.open.state", "4",
                "breaker.recorded-classes", "server_error,timeout",
                "processing-guarantee", "exactly_once_v2",
                "parking.max.park.ms", "60000",
                "scoring.tier-step", "5"));
        assertThat(c.breaker().failureRateThreshold()).isEqualTo(30);
        assertThat(c.breaker().waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.breaker().permittedNumberOfCallsInHalfOpenState()).isEqualTo(4);
        assertThat(c.breaker().recordedClasses()).containsExactlyInAnyOrder(ErrorClass.SERVER_ERROR, ErrorClass.TIMEOUT);
        assertThat(c.guarantee()).isEqualTo(RouterConfig.ProcessingGuarantee.EXACTLY_ONCE_V2);
        assertThat(c.parking().maxPark()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.scoring().tierStep()).isEqualTo(5.0);
        assertThat(c.breaker().minimumNumberOfCalls()).isEqualTo(base.breaker().minimumNumberOfCalls());
    }

    @Test
    void typosAndBadValuesAreErrorsNotDefaults() {
        assertThatThrownBy(() -> RouterSettings.apply(base, Map.of("breaker.failure-rate-treshold", "30")))
                .hasMessageContaining("unknown router setting");
        assertThatThrownBy(() -> RouterSettings.apply(base, Map.of("breaker.failure-rate-threshold", "lots")))
                .hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> RouterSettings.apply(base, Map.of("breaker.failure-rate-threshold", "130")))
                .hasMessageContaining("failureRateThreshold");
    }
}
