package dev.detour.core.config;

/** Keys of the compacted config topic; the key's prefix says which field of the ConfigRecord is set. */
public final class ConfigKeys {
    private ConfigKeys() {}

    public static final String CATALOG = "catalog";
    public static final String TENANT_PREFIX = "tenant/";
    public static final String DRAIN_PREFIX = "drain/";

    public static String tenant(String tenant) {
        return TENANT_PREFIX + tenant;
    }

    public static String drain(String provider) {
        return DRAIN_PREFIX + provider;
    }
}
