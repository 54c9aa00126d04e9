package dev.detour.router.internal;

import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.DeploymentRef;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.RoutedRequest;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.DetourSerdes;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class EncodedDeploymentRefTest {
    @AutoClose
    private final SchemaRegistryClients.MockRegistry mock = SchemaRegistryClients.freshMock("encoded-ref");
    private final AvroSerde<RoutedRequest> routed = DetourSerdes.of(RoutedRequest.class,
            mock.client());

    @Test
    void aRoutedRequestCarryingItIsWrittenByteForByteAsWithAPlainReference() {
        for (DeploymentSpec d : threeProviders().getDeployments()) {
            DeploymentRef plain = new DeploymentRef(d.getProvider(), d.getId(), d.getModel(), d.getProviderModel(),
                    d.getTier());

            byte[] withPlain = routed.serializer().serialize("detour.provider.x", routedTo(plain));
            byte[] withEncoded = routed.serializer().serialize("detour.provider.x", routedTo(EncodedDeploymentRef.of(d)));

            assertThat(withEncoded).as(d.getId()).isEqualTo(withPlain);
            assertThat(routed.deserializer().deserialize("detour.provider.x", withEncoded).getDeployment())
                    .isEqualTo(plain);
        }
    }

    private static RoutedRequest routedTo(DeploymentRef ref) {
        return new RoutedRequest(request("job-1", "chat", 1_000L), 1, "job-1#1", ref, null, List.of(), 2_000L, null,
                "router-1", null);
    }
}
