package dev.detour.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PooledJsonTest {
    @Test
    void buffersComeFromOnePoolSharedByEveryThread() throws Exception {
        ObjectMapper json = PooledJson.newMapper();
        assertThat(json.getFactory()._getRecyclerPool()).isSameAs(JsonRecyclerPools.sharedConcurrentDequePool());
        assertThat(new ObjectMapper().getFactory()._getRecyclerPool())
                .as("Jackson's default, per thread, is what this replaces")
                .isNotSameAs(JsonRecyclerPools.sharedConcurrentDequePool());

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<JsonNode> read = threads.submit(() -> json.readTree(json.writeValueAsBytes(json.createObjectNode().put("a", "é"))));
            assertThat(read.get().get("a").asText()).isEqualTo("é");
        }
    }
}
