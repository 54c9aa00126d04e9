package dev.detour.router.policy;

import dev.detour.core.RetryDecision;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.BudgetAction;
import dev.detour.schema.BudgetLevel;
import dev.detour.schema.BudgetState;
import dev.detour.schema.CircuitState;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.QualityPolicy;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.ScoreBreakdown;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.Tier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Decides where one attempt of a job goes: filters the deployments serving the requested model or
 * group down to the eligible ones, scores them, and picks one. A pure function of its inputs: the same
 * request, tried list, state and time give the same decision (the weighted draw under rate-limit
 * pressure is seeded by job id and attempt).
 */
public final class RoutingPolicy {
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** Failed-gate retries when the policy does not say (only reachable when gates came from elsewhere). */
    public static final int DEFAULT_MAX_ESCALATIONS = 2;

    /** Lowest total first; equal totals by deployment id, so that a decision does not depend on order. */
    private static final Comparator<RoutingDecision.ScoredCandidate> BEST_FIRST =
            Comparator.<RoutingDecision.ScoredCandidate>comparingDouble(s -> s.score().getTotal())
                    .thenComparing(s -> s.deployment().getId());

    private final ScoringConfig config;

    public RoutingPolicy(ScoringConfig config) {
        this.config = config;
    }

    public ScoringConfig config() {
        return config;
    }

    public RoutingDecision decide(CompletionRequest request, List<AttemptSummary> tried, RoutingState state, long nowMs) {
        int attempt = tried.size() + 1;
        TenantPolicy tenant = state.tenant(request.getTenant());
        int maxAttempts = tenant == null || tenant.getMaxAttempts() <= 0 ? DEFAULT_MAX_ATTEMPTS : tenant.getMaxAttempts();
        AttemptSummary last = tried.isEmpty() ? null : tried.get(tried.size() - 1);

        if (request.getDeadlineMs() != null && nowMs >= request.getDeadlineMs()) {
            return new RoutingDecision.Fail(FailureReason.DEADLINE,
                    "deadline passed after " + tried.size() + " attempt(s)" + lastError(last));
        }
        if (last != null && last.getErrorClass() != null
                && RetryDecision.of(last.getErrorClass()) == RetryDecision.TERMINAL) {
            return new RoutingDecision.Fail(FailureReason.NON_RETRYABLE,
                    "attempt " + last.getAttempt() + " failed with " + last.getErrorClass() + ", which no deployment can fix");
        }
        if (attempt > maxAttempts) {
            return new RoutingDecision.Fail(FailureReason.MAX_ATTEMPTS,
                    "gave up after " + tried.size() + " attempts (max " + maxAttempts + ")" + lastError(last));
        }
        RoutingCatalog catalog = state.catalog();
        if (catalog.isEmpty()) {
            return new RoutingDecision.Park("no catalog loaded yet", 0);
        }
        if (!catalog.knows(request.getModel())) {
            return new RoutingDecision.Fail(FailureReason.INVALID_REQUEST,
                    "unknown model or group '" + request.getModel() + "'");
        }

        // Quality escalation: a failed gate moves the job to a stronger option, a bounded number of times.
        QualityPolicy quality = effectiveQuality(request, tenant);
        List<AttemptSummary> qualityFailures = tried.isEmpty() ? List.of()
                : tried.stream().filter(t -> t.getErrorClass() == ErrorClass.QUALITY).toList();
        String pool = request.getModel();
        Tier mustBeStrongerThan = null;
        if (!qualityFailures.isEmpty()) {
            int failures = qualityFailures.size();
            int bound = quality == null ? DEFAULT_MAX_ESCALATIONS : quality.getMaxEscalations();
            if (failures > bound) {
                return new RoutingDecision.Fail(FailureReason.QUALITY, "answers failed their quality gates on "
                        + failures + " attempt(s); escalations are bounded at " + bound + qualityDetail(qualityFailures));
            }
            List<String> escalation = quality == null ? List.of() : quality.getEscalation();
            if (!escalation.isEmpty()) {
                if (failures > escalation.size()) {
                    return new RoutingDecision.Fail(FailureReason.QUALITY, "every option of the escalation list "
                            + escalation + " failed its quality gates" + qualityDetail(qualityFailures));
                }
                pool = escalation.get(failures - 1);
                if (!catalog.knows(pool)) {
                    return new RoutingDecision.Fail(FailureReason.QUALITY,
                            "escalation target '" + pool + "' is not in the catalog" + qualityDetail(qualityFailures));
                }
            } else {
                Tier strongestFailed = Tier.TERTIARY;
                for (AttemptSummary f : qualityFailures) {
                    Tier t = catalog.deployment(f.getDeploymentId()).map(DeploymentSpec::getTier).orElse(Tier.PRIMARY);
                    if (t.ordinal() < strongestFailed.ordinal()) {
                        strongestFailed = t;
                    }
                }
                if (strongestFailed == Tier.PRIMARY) {
                    return new RoutingDecision.Fail(FailureReason.QUALITY,
                            "the strongest tier failed its quality gates" + qualityDetail(qualityFailures));
                }
                mustBeStrongerThan = strongestFailed;
            }
        }

        RoutingHints hints = request.getHints();
        Strategy strategy = hints != null && hints.getStrategy() != null ? hints.getStrategy()
                : tenant != null ? tenant.getStrategy() : Strategy.BALANCED;
        // Reading the whole prompt is the dearest step of a decision: done only for the tenants that use it.
        boolean mayStartCheaper = tenant != null && tenant.getAllowCheaperTier();
        ComplexityEstimate complexity = mayStartCheaper ? ComplexityEstimate.of(request) : null;
        Tier startTier = hints != null && hints.getTier() != null ? hints.getTier() : Tier.PRIMARY;
        List<String> notes = new ArrayList<>();
        boolean qualityFailed = !qualityFailures.isEmpty();
        if (qualityFailed) {
            // An answer failed its quality check: the job escalates to the strongest tier and stays there.
            startTier = Tier.PRIMARY;
            notes.add(pool.equals(request.getModel()) ? "escalated to the primary tier after a failed quality check"
                    : "escalated to '" + pool + "' after a failed quality check");
        } else if (mayStartCheaper && complexity.value() < config.simpleComplexity()
                && startTier != Tier.TERTIARY) {
            startTier = Tier.values()[startTier.ordinal() + 1];
            notes.add("simple work (complexity " + round(complexity.value()) + "): may start at " + startTier);
        }
        boolean downgrade = false;
        BudgetState budget = state.budget(request.getTenant());
        if (attempt == 1 && budget != null && budget.getLevel() == BudgetLevel.EXHAUSTED) {
            BudgetAction action = tenant == null ? BudgetAction.REFUSE : tenant.getOnBudgetExhausted();
            if (action == BudgetAction.REFUSE) {
                return new RoutingDecision.Fail(FailureReason.BUDGET,
                        "budget of tenant '" + request.getTenant() + "' exhausted for " + budget.getPeriod()
                                + " (spent " + budget.getSpentMicros() + " micros)");
            }
            downgrade = true;
            strategy = Strategy.COST;
            startTier = Tier.TERTIARY;
            notes.add("budget exhausted: downgraded to cheaper tiers");
        }

        TokenEstimate tokens = TokenEstimate.of(request, config.charsPerToken(), config.defaultOutputTokens());

        // Static eligibility: what no amount of waiting changes for this job.
        Set<String> burnt = tried.isEmpty() ? Set.of() : new HashSet<>();
        for (AttemptSummary t : tried) {
            if (t.getErrorClass() != null && !RetryDecision.deploymentReusableForJob(t.getErrorClass())) {
                burnt.add(t.getDeploymentId());
            }
        }
        Map<String, Integer> rejected = new TreeMap<>();
        List<DeploymentSpec> possible = new ArrayList<>();
        for (DeploymentSpec d : catalog.serving(pool)) {
            String why = staticRejection(d, hints, tokens, catalog, burnt, downgrade);
            if (why == null && mustBeStrongerThan != null && d.getTier().ordinal() >= mustBeStrongerThan.ordinal()) {
                why = "not stronger than the " + mustBeStrongerThan + " tier that failed quality";
            }
            if (why == null) {
                possible.add(d);
            } else {
                rejected.merge(why, 1, Integer::sum);
            }
        }
        if (possible.isEmpty() && mustBeStrongerThan != null) {
            return new RoutingDecision.Fail(FailureReason.QUALITY, "no stronger deployment than the "
                    + mustBeStrongerThan + " tier that failed quality: " + rejected + qualityDetail(qualityFailures));
        }
        if (possible.isEmpty()) {
            return new RoutingDecision.Fail(downgrade ? FailureReason.BUDGET : FailureReason.NO_ROUTE,
                    "no deployment of '" + request.getModel() + "' fits: " + rejected);
        }

        // Per-job cooldowns: a deployment this job already tried that answered with a capacity or transient
        // fault stays out until its retry-after (or the class backoff) has passed. Without this, two
        // throttled deployments bounce a job between them through all its attempts in milliseconds.
        Map<String, Long> cooling = tried.isEmpty() ? Map.of() : new HashMap<>();
        for (AttemptSummary t : tried) {
            if (t.getErrorClass() == null || t.getSucceeded()) {
                continue;
            }
            long ended = Math.max(t.getEndedAtMs(), 0);
            long until = Math.max(ended + config.backoffMs(t.getErrorClass(), t.getAttempt()),
                    t.getRetryAfterMs() == null ? 0 : ended + t.getRetryAfterMs());
            cooling.merge(t.getDeploymentId(), until, Math::max);
        }

        // Dynamic eligibility: drains, breakers, cooldowns, the deployment that just failed.
        String justFailed = last == null ? null : last.getDeploymentId();
        List<Candidate> eligible = new ArrayList<>();
        Candidate justFailedCandidate = null;
        long wakeHint = Long.MAX_VALUE;
        double poolPressure = 0.0;
        Map<String, Integer> waiting = new TreeMap<>();
        for (DeploymentSpec d : possible) {
            DeploymentHealth h = state.health(d.getId());
            poolPressure = Math.max(poolPressure, h.rateLimitPressure());
            if (state.drained(d.getProvider())) {
                waiting.merge("drained", 1, Integer::sum);
                continue;
            }
            CircuitState circuit = h.circuitAt(nowMs);
            if (circuit == CircuitState.OPEN) {
                waiting.merge("circuit open", 1, Integer::sum);
                wakeHint = Math.min(wakeHint, h.openUntilMs());
                continue;
            }
            if (h.coolingDown(nowMs)) {
                waiting.merge("retry-after", 1, Integer::sum);
                wakeHint = Math.min(wakeHint, h.cooldownUntilMs());
                continue;
            }
            boolean halfOpen = circuit == CircuitState.HALF_OPEN;
            if (halfOpen && !state.probeAvailable(d.getId(), h, nowMs)) {
                waiting.merge("half-open, probes in flight", 1, Integer::sum);
                continue;
            }
            Candidate c = new Candidate(d, h, halfOpen);
            if (d.getId().equals(justFailed)) {
                justFailedCandidate = c;
                waiting.merge("just failed", 1, Integer::sum);
                continue;
            }
            long coolingUntil = cooling.getOrDefault(d.getId(), 0L);
            if (coolingUntil > nowMs) {
                waiting.merge("failed earlier for this job, backing off", 1, Integer::sum);
                wakeHint = Math.min(wakeHint, coolingUntil);
                continue;
            }
            eligible.add(c);
        }
        Long notBefore = null;
        if (eligible.isEmpty() && justFailedCandidate != null) {
            // The only way left is the deployment that just failed with a transient class: go back to it,
            // after its retry-after and a class backoff, rather than park a job that has a route.
            eligible.add(justFailedCandidate);
            notes.add("only the deployment that just failed is left; retrying it after backoff");
        }
        if (eligible.isEmpty()) {
            return new RoutingDecision.Park("nothing eligible for '" + request.getModel() + "': " + waiting,
                    wakeHint == Long.MAX_VALUE ? 0 : wakeHint);
        }

        List<RoutingDecision.ScoredCandidate> ranking = score(eligible, tokens, strategy, startTier, complexity);
        RoutingDecision.ScoredCandidate chosen;
        boolean spread = false;
        RoutingDecision.ScoredCandidate probe = null;
        for (RoutingDecision.ScoredCandidate c : ranking) {
            if (c.halfOpen() && c.score().getTierPenalty() <= ranking.get(0).score().getTierPenalty()) {
                probe = c;
                break;
            }
        }
        if (probe != null) {
            // A half-open deployment only recovers if someone calls it: its free probe slots go first.
            // The probing job pays at most one failed attempt, and its retry goes elsewhere.
            chosen = probe;
        } else if (poolPressure >= config.spreadPressureThreshold() && ranking.size() > 1) {
            chosen = weightedDraw(ranking, request.getJobId(), attempt);
            spread = true;
            notes.add("rate-limit pressure " + round(poolPressure) + " in pool: spread by weighted draw");
        } else {
            chosen = ranking.get(0);
        }
        DeploymentSpec d = chosen.deployment();
        if (last != null && last.getProvider().equals(d.getProvider()) && last.getErrorClass() != null) {
            long backoff = config.backoffMs(last.getErrorClass(), last.getAttempt());
            long retryAfterEnd = last.getRetryAfterMs() == null ? 0
                    : Math.max(last.getEndedAtMs(), 0) + last.getRetryAfterMs();
            long nb = Math.max(nowMs + backoff, retryAfterEnd);
            if (nb > nowMs) {
                notBefore = nb;
            }
        }
        if (chosen.halfOpen()) {
            notes.add("half-open probe");
        }
        ScoreBreakdown b = chosen.score();
        // The ranking's breakdown carries no note; a copy only when there is one to add.
        ScoreBreakdown score = notes.isEmpty() ? b : new ScoreBreakdown(b.getTotal(), b.getExpectedCostMicros(),
                b.getCostScore(), b.getLatencyScore(), b.getRiskScore(), b.getTierPenalty(), b.getComplexity(),
                b.getStrategy(), b.getCandidates(), String.join("; ", notes));
        long probeEpoch = 0;
        for (Candidate c : eligible) {
            if (c.spec() == d) {
                probeEpoch = c.health().probeEpoch();
                break;
            }
        }
        return new RoutingDecision.Route(d, score, notBefore, chosen.halfOpen(), probeEpoch, spread, ranking);
    }

    private record Candidate(DeploymentSpec spec, DeploymentHealth health, boolean halfOpen) {}

    private static String staticRejection(DeploymentSpec d, RoutingHints hints, TokenEstimate tokens,
                                          RoutingCatalog catalog, Set<String> burnt, boolean downgrade) {
        if (burnt.contains(d.getId())) {
            return "failed for this job";
        }
        if (downgrade && d.getTier() == Tier.PRIMARY) {
            return "primary tier (budget downgrade)";
        }
        if (hints != null) {
            if (!hints.getAllowedProviders().isEmpty() && !hints.getAllowedProviders().contains(d.getProvider())) {
                return "provider not allowed";
            }
            if (!hints.getAllowedRegions().isEmpty() && !hints.getAllowedRegions().contains(catalog.region(d))) {
                return "region not allowed";
            }
            if (hints.getMaxPricePerMillionMicros() != null
                    && d.getPrices().getOutputPerMillionMicros() > hints.getMaxPricePerMillionMicros()) {
                return "over max price";
            }
        }
        if (d.getContextWindow() > 0 && tokens.inputTokens() + tokens.outputFor(d) > d.getContextWindow()) {
            return "context window too small";
        }
        return null;
    }

    private List<RoutingDecision.ScoredCandidate> score(List<Candidate> eligible, TokenEstimate tokens, Strategy strategy,
                                                        Tier startTier, ComplexityEstimate complexity /* or null */) {
        ScoringConfig.Weights w = config.weights(strategy);
        long minCost = Long.MAX_VALUE;
        double minLatency = Double.MAX_VALUE;
        double knownLatencySum = 0;
        int known = 0;
        for (Candidate c : eligible) {
            minCost = Math.min(minCost, Math.max(1, tokens.costMicros(c.spec())));
            if (c.health().hasLatency()) {
                double l = expectedLatency(c.health());
                minLatency = Math.min(minLatency, l);
                knownLatencySum += l;
                known++;
            }
        }
        // A deployment without latency data is assumed average, so new ones get traffic without being favoured.
        double unknownLatency = known == 0 ? 1.0 : knownLatencySum / known;
        if (known == 0) {
            minLatency = 1.0;
        }
        List<RoutingDecision.ScoredCandidate> out = new ArrayList<>();
        for (Candidate c : eligible) {
            long cost = tokens.costMicros(c.spec());
            double costScore = log2((double) Math.max(1, cost) / minCost);
            double latency = c.health().hasLatency() ? expectedLatency(c.health()) : unknownLatency;
            double latencyScore = log2(latency / minLatency);
            DeploymentHealth h = c.health();
            // Shrink the error rate toward zero when few calls were seen.
            // Half-open: the window still holds the failures that tripped the breaker; the probe decides.
            double smoothedErrors = h.calls() == 0 || c.halfOpen() ? 0.0 : h.errorRate() * h.calls() / (h.calls() + 5.0);
            double riskScore = config.riskWeight() * (smoothedErrors + config.pressureWeight() * h.rateLimitPressure())
                    + (c.halfOpen() ? config.halfOpenPenalty() : 0.0);
            double tierPenalty = config.tierStep() * Math.max(0, c.spec().getTier().ordinal() - startTier.ordinal());
            double total = w.cost() * costScore + w.latency() * latencyScore + riskScore + tierPenalty;
            // The all-fields constructor, not the builder: Avro builders deep-copy defaults on every build,
            // which costs more than the scoring itself on the request path.
            out.add(new RoutingDecision.ScoredCandidate(c.spec(), new ScoreBreakdown(total, cost, costScore,
                    latencyScore, riskScore, tierPenalty, complexity == null ? null : complexity.value(), strategy,
                    eligible.size(), null),
                    c.halfOpen()));
        }
        if (out.size() == 1) {
            return List.of(out.get(0));
        }
        out.sort(BEST_FIRST);
        return Collections.unmodifiableList(out);
    }

    private RoutingDecision.ScoredCandidate weightedDraw(List<RoutingDecision.ScoredCandidate> ranking, String jobId,
                                                         int attempt) {
        double best = ranking.get(0).score().getTotal();
        double[] weights = new double[ranking.size()];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.exp(-(ranking.get(i).score().getTotal() - best) / config.spreadTemperature());
            sum += weights[i];
        }
        double x = new SplittableRandom(seed(jobId, attempt)).nextDouble() * sum;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return ranking.get(i);
            }
        }
        return ranking.get(ranking.size() - 1);
    }

    /** FNV-1a over the job id and attempt: stable across JVMs, unlike identity hashes. */
    static long seed(String jobId, int attempt) {
        long h = 0xcbf29ce484222325L;
        String s = jobId + "#" + attempt;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static double expectedLatency(DeploymentHealth h) {
        double p99 = h.p99Ms() < 0 ? h.p50Ms() : h.p99Ms();
        return Math.max(1.0, 0.7 * h.p50Ms() + 0.3 * p99);
    }

    private static double log2(double v) {
        return Math.log(Math.max(v, 1e-9)) / Math.log(2);
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    private static String lastError(AttemptSummary last) {
        return last == null || last.getErrorClass() == null ? "" : "; last error " + last.getErrorClass()
                + " on " + last.getDeploymentId();
    }

    /** The gates of a job: its own policy, else its tenant's, else none. */
    public static QualityPolicy effectiveQuality(CompletionRequest request, TenantPolicy tenant) {
        if (request.getQuality() != null) {
            return request.getQuality();
        }
        return tenant == null ? null : tenant.getQuality();
    }

    private static String qualityDetail(List<AttemptSummary> failures) {
        AttemptSummary last = failures.get(failures.size() - 1);
        return "; last on " + last.getDeploymentId() + ": " + (last.getMessage() == null ? "" : last.getMessage());
    }

    /** Error class of the newest attempt, or null. */
    public static ErrorClass lastErrorClass(List<AttemptSummary> tried) {
        return tried.isEmpty() ? null : tried.get(tried.size() - 1).getErrorClass();
    }
}
