package dev.detour.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates topics idempotently at start-up: existing topics are left as they are. */
public final class TopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    public void ensure(Collection<Topics.TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = specs.stream()
                    .filter(s -> !existing.contains(s.name()))
                    .map(s -> new NewTopic(s.name(), s.partitions(), s.replication()).configs(s.configs()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            List<String> present = new ArrayList<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    log.info("created topic {}", entry.getKey());
                    present.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicAuthorizationException) {
                        // Under ACLs the listing only shows topics this principal may describe, and topics
                        // are created by an administrator: a component that needs the topic fails its own
                        // access check with a clear line instead of here.
                        log.info("not allowed to create topic {}; it must be created by an administrator", entry.getKey());
                    } else if (e.getCause() instanceof TopicExistsException) {
                        present.add(entry.getKey());
                    } else {
                        throw e;
                    }
                }
            }
            // Not the topics this principal may not even describe: waiting for their leaders would only time out.
            if (!present.isEmpty()) {
                List<TopicPartition> partitions = awaitLeaders(present);
                if (!partitions.isEmpty()) {
                    awaitWritable(partitions);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not create topics: " + cause.getMessage(), cause);
        }
    }

    /**
     * A topic answers NOT_LEADER for a moment after creation; an idempotent producer that starts
     * writing then can end up refused with OutOfOrderSequence. Returning only once every partition
     * has a leader keeps components started right after provisioning clear of that window. Returns
     * the partitions last described (all of them once every one has a leader; none if never described).
     */
    private List<TopicPartition> awaitLeaders(List<String> names) throws InterruptedException {
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                var described = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                partitions.clear();
                described.forEach((name, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
                boolean ready = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return partitions;
                }
            } catch (ExecutionException | TimeoutException e) {
                log.debug("topics {} not described yet: {}", names, e.toString());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        log.warn("topics {} still have partitions without a leader after 30 s", names);
        return partitions;
    }

    /**
     * The metadata names a leader before the leader's broker has brought the partition online: a
     * produce request in between is refused with NOT_LEADER_OR_FOLLOWER, and on Kafka 4.1 an idempotent
     * producer with later batches in flight can then be left retrying its first batch against
     * OutOfOrderSequence until the delivery timeout (seen in a CI run: a test's records lost). An
     * offsets request goes through the same leader check and the admin client retries it until it
     * passes, so every partition answering one means every partition takes writes.
     */
    private void awaitWritable(List<TopicPartition> partitions) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        try {
            admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(30_000)).all().get(35, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("partitions {} did not all answer an offsets request within 30 s: {}", partitions, e.toString());
        }
    }
}
