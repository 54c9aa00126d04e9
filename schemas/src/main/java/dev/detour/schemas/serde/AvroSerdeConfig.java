package dev.detour.schemas.serde;

import org.apache.avro.specific.SpecificRecord;

import java.util.Map;

/**
 * The serde's settings, read once from Kafka client/Streams properties. Key names are Confluent's,
 * so existing configurations work unchanged.
 */
public record AvroSerdeConfig(String registryUrl, boolean autoRegister, String basicUserInfo,
                              Class<? extends SpecificRecord> keyType, Class<? extends SpecificRecord> valueType) {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
    public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

    public static AvroSerdeConfig from(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        Object auto = configs.get(AUTO_REGISTER_SCHEMAS);
        Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
        return new AvroSerdeConfig(
                url == null ? null : url.toString(),
                auto == null || Boolean.parseBoolean(auto.toString().trim()),
                userInfo == null ? null : userInfo.toString(),
                recordClass(configs.get(SPECIFIC_AVRO_KEY_TYPE), SPECIFIC_AVRO_KEY_TYPE),
                recordClass(configs.get(SPECIFIC_AVRO_VALUE_TYPE), SPECIFIC_AVRO_VALUE_TYPE));
    }

    /** The configured record class for keys or values, or null. */
    public Class<? extends SpecificRecord> type(boolean isKey) {
        return isKey ? keyType : valueType;
    }

    public SchemaRegistryClient client() {
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " is not set");
        }
        return SchemaRegistryClients.forUrl(registryUrl, basicUserInfo, SchemaRegistryClients.DEFAULT_TIMEOUT);
    }

    @Override
    public String toString() {
        // basic.auth.user.info holds a password: never print it.
        return "AvroSerdeConfig[registryUrl=" + registryUrl + ", autoRegister=" + autoRegister
                + ", basicAuth=" + (basicUserInfo != null) + ", keyType=" + keyType + ", valueType=" + valueType + "]";
    }

    private static Class<? extends SpecificRecord> recordClass(Object value, String key) {
        if (value == null) {
            return null;
        }
        Class<?> type;
        if (value instanceof Class<?> given) {
            type = given;
        } else {
            String name = value.toString().trim();
            if (name.isEmpty()) {
                return null;
            }
            try {
                type = Class.forName(name, true, classLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(key + ": class " + name + " not found", e);
            }
        }
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(key + ": " + type.getName() + " is not an Avro SpecificRecord");
        }
        return type.asSubclass(SpecificRecord.class);
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : AvroSerdeConfig.class.getClassLoader();
    }
}
