package dev.detour.schemas.serde;

/** Subject naming: Confluent's default TopicNameStrategy. */
public final class Subjects {

    private Subjects() {
    }

    /** {@code <topic>-key} or {@code <topic>-value}. */
    public static String topicName(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
