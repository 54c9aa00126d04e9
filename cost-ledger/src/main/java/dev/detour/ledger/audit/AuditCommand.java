package dev.detour.ledger.audit;

import dev.detour.ledger.LedgerClient;
import dev.detour.ledger.LedgerConfig;
import dev.detour.ledger.ReportFormat;
import dev.detour.ledger.SpendQuery;
import dev.detour.ledger.Tabular;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * {@code detour audit}: spend, jobs, savings, budgets and problems from a running ledger. Add it to the
 * launcher as a subcommand; every subcommand asks any ledger instance (it routes the question).
 */
@Command(name = "audit", description = "Audit spend from the cost ledger.", mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Spend.class, AuditCommand.Job.class, AuditCommand.Savings.class,
                AuditCommand.Budget.class, AuditCommand.Problems.class})
public final class AuditCommand implements Runnable {

    public static final String URL_ENV = "DETOUR_LEDGER_URL";

    @Option(names = "--ledger-url", scope = CommandLine.ScopeType.INHERIT,
            description = "Ledger HTTP API (default: $" + URL_ENV + " or http://127.0.0.1:" + LedgerConfig.DEFAULT_HTTP_PORT + ").")
    String ledgerUrl;

    @Option(names = "--format", scope = CommandLine.ScopeType.INHERIT, defaultValue = "table",
            description = "table | json | csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String today() {
        return java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    }

    LedgerClient client() {
        String url = ledgerUrl != null ? ledgerUrl : System.getenv().getOrDefault(URL_ENV,
                "http://127.0.0.1:" + LedgerConfig.DEFAULT_HTTP_PORT);
        return new LedgerClient(URI.create(url));
    }

    void print(CommandLine.Model.CommandSpec sub, Tabular report) {
        ReportFormat f;
        try {
            f = ReportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(sub.commandLine(), e.getMessage());
        }
        sub.commandLine().getOut().print(f.render(report));
        sub.commandLine().getOut().flush();
    }

    static LocalDate date(CommandLine.Model.CommandSpec spec, String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " must be YYYY-MM-DD, got " + value);
        }
    }

    @Command(name = "spend", description = "Spend of a tenant (or all tenants) over UTC days, grouped.", mixinStandardHelpOptions = true)
    static final class Spend implements Runnable {
        @ParentCommand AuditCommand audit;
        @Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--tenant", description = "Omit for all tenants together.") String tenant;
        @Option(names = "--from", description = "First UTC day, YYYY-MM-DD (default: today).") String from = today();
        @Option(names = "--to", description = "Last UTC day (inclusive), YYYY-MM-DD (default: today).") String to = today();
        @Option(names = "--group-by", defaultValue = "", description = "Any of tenant,provider,model,day.") String groupBy;

        @Override
        public void run() {
            SpendQuery q;
            try {
                q = new SpendQuery(tenant, date(spec, "--from", from), date(spec, "--to", to), SpendQuery.parseGroupBy(groupBy));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            audit.print(spec, audit.client().spend(q));
        }
    }

    @Command(name = "job", description = "Every attempt of a job with tokens, unit prices and cost.", mixinStandardHelpOptions = true)
    static final class Job implements Runnable {
        @ParentCommand AuditCommand audit;
        @Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "JOB_ID") String jobId;

        @Override
        public void run() {
            audit.print(spec, audit.client().job(jobId).orElseThrow(
                    () -> new IllegalStateException("the ledger has no billed attempt of job " + jobId)));
        }
    }

    @Command(name = "savings", description = "Actual spend, baseline at the requested model, and savings by day.", mixinStandardHelpOptions = true)
    static final class Savings implements Runnable {
        @ParentCommand AuditCommand audit;
        @Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--from", description = "First UTC day, YYYY-MM-DD (default: today).") String from = today();
        @Option(names = "--to", description = "Last UTC day (inclusive), YYYY-MM-DD (default: today).") String to = today();

        @Override
        public void run() {
            audit.print(spec, audit.client().savings(tenant, date(spec, "--from", from), date(spec, "--to", to)));
        }
    }

    @Command(name = "budget", description = "A tenant's budget state.", mixinStandardHelpOptions = true)
    static final class Budget implements Runnable {
        @ParentCommand AuditCommand audit;
        @Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "TENANT") String tenant;

        @Override
        public void run() {
            audit.print(spec, audit.client().budget(tenant).orElseThrow(
                    () -> new IllegalStateException("the ledger has no budget state for tenant " + tenant)));
        }
    }

    @Command(name = "problems", description = "Usage records the ledger refused (and dead-lettered).", mixinStandardHelpOptions = true)
    static final class Problems implements Runnable {
        @ParentCommand AuditCommand audit;
        @Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            audit.print(spec, audit.client().problems());
        }
    }
}
