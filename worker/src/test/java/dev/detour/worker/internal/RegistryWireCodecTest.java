package dev.detour.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.worker.Fixtures;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.schemas.serde.SchemaRegistryException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** A registry that is briefly unreachable delays a paid call's records; it does not fail the job. */
class RegistryWireCodecTest {

    @Test
    void waitsOutABrieflyUnreachableRegistry() {
        AtomicInteger refusals = new AtomicInteger(2);
        RegistryWireCodec codec = new RegistryWireCodec(flaky(refusals, unreachable()), Duration.ofSeconds(30));

        byte[] bytes = codec.encode("detour.retries", Fixtures.routed("job-1", 1, null));

        assertThat(bytes).isNotEmpty();
        assertThat(refusals).as("both refusals were met before the registration went through").hasValue(0);
    }

    @Test
    void givesUpAfterItsPatienceAndNeverRetriesARegistryThatAnsweredNo() {
        AtomicInteger down = new AtomicInteger(Integer.MAX_VALUE);
        RegistryWireCodec impatient = new RegistryWireCodec(flaky(down, unreachable()), Duration.ofMillis(100));
        assertThatThrownBy(() -> impatient.encode("detour.retries", Fixtures.routed("job-1", 1, null)))
                .isInstanceOf(SerializationException.class);

        AtomicInteger rejections = new AtomicInteger(Integer.MAX_VALUE);
        RegistryWireCodec patient = new RegistryWireCodec(flaky(rejections,
                new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA, "incompatible")),
                Duration.ofSeconds(30));
        assertThatThrownBy(() -> patient.encode("detour.retries", Fixtures.routed("job-1", 1, null)))
                .isInstanceOf(SerializationException.class);
        assertThat(rejections).as("an answer is final: asked once").hasValue(Integer.MAX_VALUE - 1);
    }

    private static SchemaRegistryException unreachable() {
        return SchemaRegistryException.unreachable("connection reset", null);
    }

    /** Registrations throw {@code failure} while {@code failures} lasts, then reach an in-memory registry. */
    private static SchemaRegistryClient flaky(AtomicInteger failures, SchemaRegistryException failure) {
        SchemaRegistryClient real = SchemaRegistryClients.forUrl("mock://registry-wire-codec-" + System.nanoTime());
        return (SchemaRegistryClient) Proxy.newProxyInstance(SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("register") && failures.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
                        throw failure;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
