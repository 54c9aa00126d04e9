package dev.detour.worker.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InFlightGateTest {

    @Test
    void refusesBeyondTheTotalBoundAndResumesOnlyBelowTheLowWaterMark() {
        InFlightGate gate = new InFlightGate(10, p -> 100, 0.5);
        for (int i = 0; i < 10; i++) {
            assertThat(gate.tryAdmit("a")).isTrue();
        }
        assertThat(gate.tryAdmit("a")).isFalse();
        assertThat(gate.tryAdmit("b")).as("the total bound covers every provider").isFalse();
        assertThat(gate.full("b")).isTrue();

        gate.release("a");
        assertThat(gate.full("a")).isFalse();
        assertThat(gate.mayResume("a")).as("9 > low water 5").isFalse();
        for (int i = 0; i < 4; i++) {
            gate.release("a");
        }
        assertThat(gate.mayResume("a")).isTrue();
        assertThat(gate.peak()).isEqualTo(10);
    }

    @Test
    void boundsEachProviderSeparately() {
        InFlightGate gate = new InFlightGate(100, Map.of("a", 2, "b", 3)::get, 0.5);
        assertThat(gate.tryAdmit("a")).isTrue();
        assertThat(gate.tryAdmit("a")).isTrue();
        assertThat(gate.tryAdmit("a")).isFalse();
        assertThat(gate.tryAdmit("b")).isTrue();
        assertThat(gate.inFlight()).isEqualTo(3);
        assertThat(gate.inFlight("a")).isEqualTo(2);
        assertThat(gate.mayResume("a")).isFalse();
        gate.release("a");
        assertThat(gate.mayResume("a")).as("1 <= low water of 2 is 1").isTrue();
    }

    @Test
    void aBoundOfOneResumesOnlyWhenEmpty() {
        InFlightGate gate = new InFlightGate(1, p -> 1, 0.9);
        assertThat(gate.tryAdmit("a")).isTrue();
        assertThat(gate.mayResume("a")).isFalse();
        gate.release("a");
        assertThat(gate.mayResume("a")).isTrue();
    }
}
