package dev.detour.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Object mappers for code that runs on virtual threads (provider calls, the simulator, the gateway).
 * Jackson's default buffer pool is per thread; a virtual thread lives for one call, so every parse and
 * every write allocated fresh 8-16 KB buffers (a third of the allocation of a provider call). These
 * mappers share one concurrent pool across threads instead.
 */
public final class PooledJson {
    private PooledJson() {}

    public static ObjectMapper newMapper() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());
    }
}
