package dev.detour.cli.security;

import dev.detour.core.Topics;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka access one component needs, and nothing more: the single source of the ACLs documented
 * in docs/operations.md, of the bindings the security test grants, and of the start-up check that
 * makes a component with missing ACLs fail with one clear line instead of retrying forever.
 *
 * @param component      name of the component (router, worker, ledger, registry, client)
 * @param topics         literal topics and the operations needed on each
 * @param prefixedTopics topic prefixes (provider topics, Kafka Streams internal topics) and operations
 * @param groups         consumer group ids (literal) or application ids; READ is granted on each
 * @param transactionalIdPrefix prefix of the transactional ids (exactly-once Streams apps), or null
 */
public record ComponentAccess(String component, Map<String, Set<AclOperation>> topics,
                              Map<String, Set<AclOperation>> prefixedTopics, List<String> groups,
                              String transactionalIdPrefix) {

    private static final Set<AclOperation> READ = EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE);
    private static final Set<AclOperation> WRITE = EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE);
    private static final Set<AclOperation> READ_WRITE = EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
    private static final Set<AclOperation> STREAMS_INTERNAL = EnumSet.of(AclOperation.READ, AclOperation.WRITE,
            AclOperation.DESCRIBE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS);

    /** The router: consumes requests, retries, feedback, config, budgets; produces provider topics (creating them), results, dead letters; reads and writes health and the last-resort cache. */
    public static ComponentAccess router(Topics t, String applicationId) {
        Map<String, Set<AclOperation>> topics = new LinkedHashMap<>();
        topics.put(t.requests(), READ);
        topics.put(t.retries(), READ);
        topics.put(t.feedback(), READ);
        topics.put(t.config(), READ);
        topics.put(t.budgets(), READ);
        topics.put(t.health(), READ_WRITE);
        topics.put(t.cache(), READ_WRITE);
        topics.put(t.results(), READ_WRITE); // reads known-good answers into the last-resort cache
        topics.put(t.usage(), WRITE);        // zero-cost usage of answers served from the cache
        topics.put(t.deadLetter(), WRITE);
        Map<String, Set<AclOperation>> prefixed = new LinkedHashMap<>();
        prefixed.put(t.provider(""), EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE));
        prefixed.put(applicationId, STREAMS_INTERNAL);
        return new ComponentAccess("router", topics, prefixed, List.of(applicationId), applicationId);
    }

    /** A worker: consumes the provider topics; produces feedback, usage, results, retries, dead letters; reads the catalog. */
    public static ComponentAccess worker(Topics t, String groupId) {
        Map<String, Set<AclOperation>> topics = new LinkedHashMap<>();
        topics.put(t.config(), READ);
        topics.put(t.feedback(), WRITE);
        topics.put(t.usage(), WRITE);
        topics.put(t.results(), WRITE);
        topics.put(t.retries(), WRITE);
        topics.put(t.deadLetter(), WRITE);
        return new ComponentAccess("worker", topics, Map.of(t.provider(""), READ), List.of(groupId), null);
    }

    /** The ledger (exactly-once Streams): consumes usage and config; produces budgets and dead letters. */
    public static ComponentAccess ledger(Topics t, String applicationId) {
        Map<String, Set<AclOperation>> topics = new LinkedHashMap<>();
        topics.put(t.usage(), READ);
        topics.put(t.config(), READ);
        topics.put(t.budgets(), WRITE);
        topics.put(t.deadLetter(), WRITE);
        return new ComponentAccess("ledger", topics, Map.of(applicationId, STREAMS_INTERNAL), List.of(applicationId), applicationId);
    }

    /** The schema registry: owns its compacted topic (creates it on first start). */
    public static ComponentAccess registry(String schemasTopic) {
        return new ComponentAccess("registry",
                Map.of(schemasTopic, EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
                        AclOperation.CREATE, AclOperation.DESCRIBE_CONFIGS)),
                Map.of(), List.of(), null);
    }

    /** An application using the Java client: produces requests, reads results (no consumer group). */
    public static ComponentAccess client(Topics t) {
        Map<String, Set<AclOperation>> topics = new LinkedHashMap<>();
        topics.put(t.requests(), WRITE);
        topics.put(t.results(), READ);
        return new ComponentAccess("client", topics, Map.of(), List.of(), null);
    }

    /** The gateway: an application that also reads the config topic (tenant policies, API key hashes). */
    public static ComponentAccess gateway(Topics t) {
        Map<String, Set<AclOperation>> topics = new LinkedHashMap<>(client(t).topics());
        topics.put(t.config(), READ);
        return new ComponentAccess("gateway", topics, Map.of(), List.of(), null);
    }

    /**
     * A command that publishes to the config topic: {@code catalog} (catalogs), {@code tenant} (tenant
     * policies), {@code keys} (gateway key hashes). It only writes that topic (the idempotent producer
     * needs nothing more since Kafka 3.0); the topics themselves are created by an administrator.
     */
    public static ComponentAccess configPublisher(String command, Topics t) {
        return new ComponentAccess(command, Map.of(t.config(), WRITE), Map.of(), List.of(), null);
    }

    /**
     * What a config-topic follower needs (the worker's catalog follower, the gateway's and the
     * {@code providers} command's reader): it reads by assignment, without a consumer group.
     */
    public static ComponentAccess configReader(String component, Topics t) {
        return new ComponentAccess(component, Map.of(t.config(), READ), Map.of(), List.of(), null);
    }

    /** The ACL bindings that grant this access to {@code principal} (e.g. {@code User:router}) from any host. */
    public List<AclBinding> bindings(String principal) {
        List<AclBinding> out = new ArrayList<>();
        topics.forEach((topic, ops) -> ops.forEach(op ->
                out.add(allow(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), principal, op))));
        prefixedTopics.forEach((prefix, ops) -> ops.forEach(op ->
                out.add(allow(new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED), principal, op))));
        for (String g : groups) {
            // Streams apps also use the application id as a prefix of their internal group names.
            PatternType type = transactionalIdPrefix != null ? PatternType.PREFIXED : PatternType.LITERAL;
            out.add(allow(new ResourcePattern(ResourceType.GROUP, g, type), principal, AclOperation.READ));
            out.add(allow(new ResourcePattern(ResourceType.GROUP, g, type), principal, AclOperation.DESCRIBE));
        }
        if (transactionalIdPrefix != null) {
            ResourcePattern tx = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, transactionalIdPrefix, PatternType.PREFIXED);
            out.add(allow(tx, principal, AclOperation.WRITE));
            out.add(allow(tx, principal, AclOperation.DESCRIBE));
        }
        return out;
    }

    private static AclBinding allow(ResourcePattern resource, String principal, AclOperation op) {
        return new AclBinding(resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    /**
     * Checks, before anything starts, that this principal may do what the component needs on every
     * literal topic: a missing ACL would otherwise surface as a stream thread dying and being replaced
     * forever, or as a consumer that silently never gets records.
     *
     * @throws AccessDeniedException with one line naming the topic, the missing operations and the fix
     */
    public void verify(Admin admin) {
        Map<String, KafkaFuture<TopicDescription>> described = admin
                .describeTopics(topics.keySet(), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .topicNameValues();
        for (var e : topics.entrySet()) {
            String topic = e.getKey();
            Set<AclOperation> allowed;
            try {
                TopicDescription d = described.get(topic).get(30, TimeUnit.SECONDS);
                allowed = d.authorizedOperations() == null ? Set.of() : d.authorizedOperations();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking Kafka access", ie);
            } catch (TimeoutException te) {
                throw new AccessDeniedException(component + ": Kafka did not answer the access check for topic " + topic);
            } catch (ExecutionException ee) {
                Throwable cause = ee.getCause();
                if (cause instanceof AuthorizationException) {
                    throw new AccessDeniedException(component + ": not authorized to access topic " + topic
                            + " (needs " + names(e.getValue()) + "); grant the " + component + " ACLs in docs/operations.md");
                }
                if (cause instanceof UnknownTopicOrPartitionException) {
                    throw new AccessDeniedException(component + ": topic " + topic + " does not exist; create the topics first"
                            + " (detour catalog publish as an administrator)");
                }
                if (cause instanceof AuthenticationException) {
                    throw new AccessDeniedException(component + ": Kafka rejected the credentials: " + cause.getMessage());
                }
                throw new AccessDeniedException(component + ": cannot check access to topic " + topic + ": " + cause);
            }
            Set<AclOperation> missing = EnumSet.noneOf(AclOperation.class);
            for (AclOperation op : e.getValue()) {
                if (!allowed.contains(op) && !allowed.contains(AclOperation.ALL)) {
                    missing.add(op);
                }
            }
            // CREATE/DESCRIBE_CONFIGS are only needed for the first start; existing topics do without.
            missing.remove(AclOperation.CREATE);
            missing.remove(AclOperation.DESCRIBE_CONFIGS);
            if (!missing.isEmpty()) {
                throw new AccessDeniedException(component + ": not authorized to " + names(missing) + " topic " + topic
                        + "; grant the " + component + " ACLs in docs/operations.md");
            }
        }
    }

    private static String names(Set<AclOperation> ops) {
        return ops.stream().map(o -> o.name().toLowerCase()).sorted().reduce((a, b) -> a + "+" + b).orElse("");
    }

    /** A component lacks Kafka access it needs; the message is one line meant for the operator. */
    public static final class AccessDeniedException extends RuntimeException {
        public AccessDeniedException(String message) {
            super(message);
        }
    }
}
