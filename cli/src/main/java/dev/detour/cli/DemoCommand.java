package dev.detour.cli;

import dev.detour.kafka.EmbeddedKafka;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The main job: the whole pipeline in one JVM on the embedded broker. */
@Command(name = "demo", description = "Run the pipeline end to end on an embedded Kafka broker.")
final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            System.out.println("Embedded Kafka broker running at " + kafka.bootstrapServers());
            System.out.println("The demo scenario lands with the router, workers and ledger; see README.");
        }
        return 0;
    }
}
