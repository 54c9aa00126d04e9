package dev.detour.bench.internal;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The produce requests of one application's producers, from the metrics the Kafka clients register in
 * JMX. With linger 0 a producer batches only what queues up while earlier requests are in flight, so
 * how many records a request carries depends on how fast the application hands them over; the
 * broker's cost per record falls as requests grow.
 *
 * @param records records sent since the producers started
 * @param requests requests sent (produce requests, and the few metadata and transaction requests)
 * @param bytes bytes sent
 */
public record ProduceRequests(double records, double requests, double bytes) {

    public double recordsPerRequest() {
        return requests > 0 ? records / requests : Double.NaN;
    }

    public double kilobytesPerRequest() {
        return requests > 0 ? bytes / requests / 1024 : Double.NaN;
    }

    /** Sums over every producer whose client id holds the application id. */
    public static ProduceRequests of(String applicationId) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double records = 0;
        double requests = 0;
        double bytes = 0;
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,*"), null)) {
                String client = name.getKeyProperty("client-id");
                if (client != null && client.contains(applicationId)) {
                    records += number(server, name, "record-send-total");
                    requests += number(server, name, "request-total");
                    bytes += number(server, name, "outgoing-byte-total");
                }
            }
        } catch (JMException e) {
            return new ProduceRequests(Double.NaN, Double.NaN, Double.NaN);
        }
        return new ProduceRequests(records, requests, bytes);
    }

    private static double number(MBeanServer server, ObjectName name, String attribute) throws JMException {
        Object v = server.getAttribute(name, attribute);
        return v instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0;
    }
}
