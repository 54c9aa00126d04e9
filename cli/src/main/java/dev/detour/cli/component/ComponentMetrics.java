package dev.detour.cli.component;

import static dev.detour.cli.component.AdminEndpoint.label;

import dev.detour.ledger.LedgerClient;
import dev.detour.ledger.SpendQuery;
import dev.detour.ledger.SpendReport;
import dev.detour.router.Router;
import dev.detour.schema.CircuitState;
import dev.detour.schema.HealthSnapshot;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;

/** The Prometheus text of the router and the ledger (the worker has its own endpoint). */
public final class ComponentMetrics {
    private ComponentMetrics() {}

    /** Decisions, and the health table as this router sees it: breaker state, error rate, errors by class. */
    public static String router(Router router) {
        StringBuilder out = new StringBuilder();
        out.append("# TYPE detour_router_running gauge\n")
                .append("detour_router_running ").append(router.isRunning() ? 1 : 0).append('\n');
        out.append("# TYPE detour_router_decisions_total counter\n");
        router.decisionCounts().forEach((decision, count) -> out.append("detour_router_decisions_total{decision=\"")
                .append(label(decision)).append("\"} ").append(count.longValue()).append('\n'));
        if (!router.isRunning()) {
            return out.toString();
        }
        Map<String, HealthSnapshot> health = router.healthTable();
        out.append("# TYPE detour_router_breaker_state gauge\n");
        health.forEach((id, h) -> {
            for (CircuitState s : CircuitState.values()) {
                out.append("detour_router_breaker_state{deployment=\"").append(label(id)).append("\",provider=\"")
                        .append(label(h.getProvider())).append("\",state=\"").append(s.name()).append("\"} ")
                        .append(h.getCircuit() == s ? 1 : 0).append('\n');
            }
        });
        out.append("# TYPE detour_router_deployment_error_rate gauge\n");
        health.forEach((id, h) -> out.append("detour_router_deployment_error_rate{deployment=\"").append(label(id))
                .append("\"} ").append(h.getErrorRate()).append('\n'));
        out.append("# TYPE detour_router_deployment_errors gauge\n");
        health.forEach((id, h) -> h.getErrorsByClass().forEach((cls, n) -> out.append("detour_router_deployment_errors{deployment=\"")
                .append(label(id)).append("\",class=\"").append(label(cls)).append("\"} ").append(n).append('\n')));
        return out.toString();
    }

    /** Today's spend (UTC) by tenant and provider, in micro-dollars, from this ledger's query API. */
    public static String ledger(LedgerClient client, boolean running) {
        StringBuilder out = new StringBuilder();
        out.append("# TYPE detour_ledger_running gauge\n").append("detour_ledger_running ").append(running ? 1 : 0).append('\n');
        if (!running) {
            return out.toString();
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        SpendReport report = client.spend(SpendQuery.allTenants(today, today,
                EnumSet.of(SpendQuery.Dimension.TENANT, SpendQuery.Dimension.PROVIDER)));
        out.append("# TYPE detour_ledger_spend_today_micros gauge\n");
        report.rows().forEach(r -> out.append("detour_ledger_spend_today_micros{tenant=\"").append(label(r.tenant()))
                .append("\",provider=\"").append(label(r.provider())).append("\"} ").append(r.costMicros()).append('\n'));
        return out.toString();
    }
}
