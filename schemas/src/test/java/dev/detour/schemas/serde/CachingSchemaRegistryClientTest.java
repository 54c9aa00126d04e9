package dev.detour.schemas.serde;

import dev.detour.schema.CompletionResult;
import dev.detour.schemas.serde.internal.CachingSchemaRegistryClient;
import dev.detour.schemas.serde.internal.InMemorySchemaRegistry;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Serdes ask the registry once per subject and id, not once per record. */
class CachingSchemaRegistryClientTest {

    /** Counts the calls that reach the registry. */
    static final class CountingRegistry implements SchemaRegistryClient {
        final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        final AtomicInteger registers = new AtomicInteger();
        final AtomicInteger byId = new AtomicInteger();

        @Override
        public int register(String subject, Schema schema) {
            registers.incrementAndGet();
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
}
