package dev.detour.router.internal;

import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.CompletionRequest;
import dev.detour.schema.RoutedRequest;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.DetourSerdes;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class EncodedRequestTest {
    private static final String PROVIDER = "detour.provider.x";
    @AutoClose
    private final SchemaRegistryClients.MockRegistry mock = SchemaRegistryClients.freshMock("encoded-request");
    private final SchemaRegistryClient registry = mock.client();
    private final AvroSerde<CompletionRequest> requests = DetourSerdes.of(CompletionRequest.class, registry);
    private final AvroSerde<RoutedRequest> routed = DetourSerdes.of(RoutedRequest.class, registry);

    @Test
    void aRoutedRequestCarryingItIsWrittenByteForByteAsWithThePlainRequest() {
        CompletionRequest plain = request("job-1", "chat", 1_000L);
        byte[] wire = requests.serializer().serialize("detour.requests", plain);
        CompletionRequest decoded = requests.deserializer().deserialize("detour.requests", wire);

        byte[] withPlain = routed.serializer().serialize(PROVIDER, routedWith(plain));
        byte[] withEncoded = routed.serializer().serialize(PROVIDER, routedWith(EncodedRequest.of(decoded, wire)));

        assertThat(withEncoded).isEqualTo(withPlain);
        assertThat(routed.deserializer().deserialize(PROVIDER, withEncoded).getRequest()).isEqualTo(plain);
        assertThat(EncodedRequest.of(decoded, wire)).isEqualTo(plain);
    }

    @Test
    void theBytesAreCopiedNotTheRequestEncodedAgain() {
        CompletionRequest plain = request("job-1", "chat", 1_000L);
        CompletionRequest other = CompletionRequest.newBuilder(plain).setJobId("job-other").build();
        byte[] otherWire = requests.serializer().serialize("detour.requests", other);

        // Against the contract (the bytes must be the request's), which shows where the field came from.
        RoutedRequest read = routed.deserializer().deserialize(PROVIDER,
                routed.serializer().serialize(PROVIDER, routedWith(EncodedRequest.of(plain, otherWire))));

        assertThat(read.getRequest()).isEqualTo(other);
        assertThat(read.getAttemptId()).isEqualTo("job-1#1");
    }

    private static RoutedRequest routedWith(CompletionRequest request) {
        var d = threeProviders().getDeployments().get(0);
        return new RoutedRequest(request, 1, "job-1#1", EncodedDeploymentRef.of(d), null, List.of(), 2_000L, null,
                "router-1", null);
    }
}
