package dev.detour.schemas.serde;

import dev.detour.schema.CompletionResult;
import dev.detour.schemas.serde.internal.CachingSchemaRegistryClient;
import dev.detour.schemas.serde.internal.InMemorySchemaRegistry;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Serdes ask the registry once per subject and id, not once per record. */
class CachingSchemaRegistryClientTest {

    /** Counts the calls that reach the registry. */
    static final class CountingRegistry implements SchemaRegistryClient {
        final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        final AtomicInteger registers = new AtomicInteger();
        final AtomicInteger byId = new AtomicInteger();
        /** When set, registrations wait for it: a slow registry. */
        volatile CountDownLatch answer;
        /** When set, the next registration finds the registry unreachable. */
        volatile boolean unreachableOnce;

        @Override
        public int register(String subject, Schema schema) {
            if (unreachableOnce) {
                unreachableOnce = false;
                throw SchemaRegistryException.unreachable("connection reset", null);
            }
            registers.incrementAndGet();
            CountDownLatch gate = answer;
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return registry.register(subject, schema);
        }

        @Override
        public int lookupId(String subject, Schema schema) {
            return registry.lookupId(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            byId.incrementAndGet();
            return registry.schemaById(id);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return registry.latest(subject);
        }

        @Override
        public List<Integer> versions(String subject) {
            return registry.versions(subject);
        }

        @Override
        public List<String> subjects() {
            return registry.subjects();
        }

        @Override
        public boolean isCompatible(String subject, Schema schema) {
            return registry.isCompatible(subject, schema);
        }
    }

    @Test
    void thousandsOfRecordsCostOneRegistrationPerSubjectAndNoLookupById() {
        CountingRegistry remote = new CountingRegistry();
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(remote);
        AvroSerde<CompletionResult> producer = DetourSerdes.of(CompletionResult.class, client);

        for (int i = 0; i < 1_000; i++) {
            byte[] bytes = producer.serializer().serialize("detour.results", Samples.result());
            producer.deserializer().deserialize("detour.results", bytes);
            producer.serializer().serialize("acme.results", Samples.result());
        }

        assertThat(remote.registers).hasValue(2);
        assertThat(remote.byId).as("the id was learnt when registering").hasValue(0);
    }

    @Test
    void aConsumerAsksForEachWriterSchemaOnce() {
        CountingRegistry remote = new CountingRegistry();
        byte[] bytes = DetourSerdes.of(CompletionResult.class, remote).serializer()
                .serialize("detour.results", Samples.result());
        AvroDeserializer<CompletionResult> consumer =
                new AvroDeserializer<>(CompletionResult.class, new CachingSchemaRegistryClient(remote));

        for (int i = 0; i < 1_000; i++) {
            assertThat(consumer.deserialize("detour.results", bytes)).isEqualTo(Samples.result());
        }

        assertThat(remote.byId).hasValue(1);
    }

    @Test
    void concurrentFirstRegistrationsShareOneRequest() throws Exception {
        CountingRegistry remote = new CountingRegistry();
        remote.answer = new CountDownLatch(1);
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(remote);
        Schema schema = CompletionResult.getClassSchema();
        ConcurrentLinkedQueue<Integer> ids = new ConcurrentLinkedQueue<>();

        List<Thread> callers = IntStream.range(0, 50)
                .mapToObj(i -> Thread.ofPlatform().start(() -> ids.add(client.register("detour.results-value", schema))))
                .toList();
        // Every caller is parked: one inside the slow registry, the others waiting for its answer.
        await().until(() -> callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        remote.answer.countDown();
        for (Thread t : callers) {
            t.join();
        }

        assertThat(remote.registers).hasValue(1);
        assertThat(ids).hasSize(50).containsOnly(ids.peek());
    }

    @Test
    void aFailedRegistrationIsNotRememberedAndTheNextCallTriesAgain() {
        CountingRegistry remote = new CountingRegistry();
        remote.unreachableOnce = true;
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(remote);
        Schema schema = CompletionResult.getClassSchema();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.register("detour.results-value", schema))
                .isInstanceOf(SchemaRegistryException.class);
        assertThat(client.register("detour.results-value", schema)).isPositive();
        assertThat(remote.registers).hasValue(1);
    }
}
