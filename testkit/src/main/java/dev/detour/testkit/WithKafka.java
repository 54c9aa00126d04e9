package dev.detour.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives an integration test a real Kafka cluster: declare a {@link KafkaCluster} parameter on a
 * test method, constructor or lifecycle method. The cluster is, in this order of preference, the
 * one named by {@code KAFKA_BOOTSTRAP_SERVERS}, an {@code apache/kafka} Testcontainer where a Docker
 * daemon answers, or the project's embedded KRaft broker. One cluster serves the whole test run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KafkaClusterExtension.class)
@Tag("kafka")
public @interface WithKafka {}
