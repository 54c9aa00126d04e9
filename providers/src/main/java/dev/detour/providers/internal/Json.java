package dev.detour.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the adapters and the simulator, plus null-tolerant readers. */
public final class Json {
    /** Buffers pooled across threads: adapters and the simulator run on virtual threads. */
    public static final ObjectMapper MAPPER = dev.detour.core.json.PooledJson.newMapper();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The text at a path, or null when any step is missing or not textual. */
    public static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    public static long longAt(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n != null && n.isNumber() ? n.asLong() : 0L;
    }

    public static JsonNode at(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(p);
        }
        return n;
    }
}
