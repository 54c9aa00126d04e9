package dev.detour.cli;

import dev.detour.cli.config.DetourConfig;
import dev.detour.core.TopicReader;
import dev.detour.schema.CompletionResult;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints terminal results, each job id once; with --follow keeps printing new ones. */
@Command(name = "results", description = "Print results from the results topic (each job once).")
final class ResultsCommand implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(names = "--follow", description = "Keep printing new results until interrupted.") boolean follow;
    @Option(names = "--from-now", description = "Only results published from now on.") boolean fromNow;
    @Option(names = {"-t", "--tenant"}, description = "Only this tenant's results.") String tenant;
    @Option(names = "--job-id", description = "Only this job.") String jobId;
    @Option(names = "--format", description = "table | json (default: ${DEFAULT-VALUE}).", defaultValue = "table") ResultPrinter.Format format;

    @Override
    public Integer call() {
        DetourConfig config = connection.config();
        ConnectionOptions.checkReachable(config);
        String topic = config.topics().results();
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        AvroSerde<CompletionResult> serde = new AvroSerde<>(CompletionResult.class, SchemaRegistryClients.forUrl(config.registryUrl()));
        ResultPrinter printer = new ResultPrinter(System.out, format);
        Set<String> seen = new HashSet<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = TopicReader.assignFromBeginning(consumer, topic, Duration.ofSeconds(10));
            if (parts.isEmpty()) {
                throw new UserError("topic " + topic + " does not exist (is Detour installed on this cluster?)");
            }
            if (fromNow) consumer.seekToEnd(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (true) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(300))) {
                    CompletionResult r;
                    try {
                        r = serde.deserializer().deserialize(topic, rec.value());
                    } catch (SerializationException e) {
                        System.err.println("skipping undecodable record at offset " + rec.offset() + ": " + e.getMessage());
                        continue;
                    }
                    if (r == null || (tenant != null && !tenant.equals(r.getTenant())) || (jobId != null && !jobId.equals(r.getJobId()))) {
                        continue;
                    }
                    if (seen.add(r.getJobId())) {
                        printer.print(r);
                    }
                }
                if (!follow && parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    return 0;
                }
            }
        }
    }
}
