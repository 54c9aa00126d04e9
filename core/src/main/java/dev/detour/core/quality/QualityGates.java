package dev.detour.core.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.detour.schema.GateVerdict;
import dev.detour.schema.QualityPolicy;
import dev.detour.schema.ResponseFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The deterministic quality gates of one {@link QualityPolicy}, compiled once: non-empty, minimum
 * length, valid JSON (when a JSON response format was asked), JSON Schema, refusal phrases, must /
 * must-not regular expressions. The judge is not here: it needs a provider call (see the worker).
 *
 * <p>{@link #compile} returns the problems of a bad policy as values, each naming its key, so the
 * config publisher can reject it and a worker that meets one anyway fails the gate instead of crashing.
 */
public final class QualityGates {
    /** Phrases that mark a refusal when a policy asks for refusal detection without its own list. */
    public static final List<String> DEFAULT_REFUSAL_PHRASES = List.of(
            "i can't help with", "i cannot help with", "i can't assist", "i cannot assist", "i'm sorry, but i can",
            "i am sorry, but i can", "i'm unable to", "i am unable to", "as an ai language model", "i won't be able to");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    public record Problem(String key, String message) {
        @Override
        public String toString() {
            return key + ": " + message;
        }
    }

    private final QualityPolicy policy;
    private final Schema schema;
    private final List<Pattern> mustMatch;
    private final List<Pattern> mustNotMatch;
    private final List<String> refusals;

    private QualityGates(QualityPolicy policy, Schema schema, List<Pattern> mustMatch, List<Pattern> mustNotMatch) {
        this.policy = policy;
        this.schema = schema;
        this.mustMatch = mustMatch;
        this.mustNotMatch = mustNotMatch;
        this.refusals = (policy.getRefusalPhrases().isEmpty() ? DEFAULT_REFUSAL_PHRASES : policy.getRefusalPhrases())
                .stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    public sealed interface Compiled {}

    public record Ok(QualityGates gates) implements Compiled {}

    public record Invalid(List<Problem> problems) implements Compiled {}

    /**
     * Compiles a policy; {@code prefix} names where it sits (e.g. {@code tenant/acme.quality}) so
     * each problem's key points at the offending entry. A schema in the response format counts too.
     */
    public static Compiled compile(QualityPolicy policy, ResponseFormat format, String prefix) {
        List<Problem> problems = new ArrayList<>();
        List<Pattern> must = patterns(policy.getMustMatch(), prefix + ".mustMatch", problems);
        List<Pattern> mustNot = patterns(policy.getMustNotMatch(), prefix + ".mustNotMatch", problems);
        if (policy.getMinLength() < 0) {
            problems.add(new Problem(prefix + ".minLength", "must not be negative"));
        }
        if (policy.getMaxEscalations() < 0) {
            problems.add(new Problem(prefix + ".maxEscalations", "must not be negative"));
        }
        if (policy.getJudge() != null) {
            double t = policy.getJudge().getThreshold();
            if (!(t >= 0 && t <= 1)) {
                problems.add(new Problem(prefix + ".judge.threshold", "must be within [0, 1], was " + t));
            }
            if (policy.getJudge().getRubric().isBlank()) {
                problems.add(new Problem(prefix + ".judge.rubric", "must not be blank"));
            }
        }
        String schemaText = policy.getJsonSchema();
        String schemaKey = prefix + ".jsonSchema";
        if (schemaText == null && format != null && format.getJsonSchema() != null) {
            schemaText = format.getJsonSchema();
            schemaKey = "params.responseFormat.jsonSchema";
        }
        Schema schema = null;
        if (schemaText != null) {
            Optional<String> bad = schemaProblem(schemaText);
            if (bad.isPresent()) {
                problems.add(new Problem(schemaKey, bad.get()));
            } else {
                schema = SCHEMAS.getSchema(schemaText);
            }
        }
        return problems.isEmpty() ? new Ok(new QualityGates(policy, schema, must, mustNot)) : new Invalid(problems);
    }

    /** The problems of a policy, empty when it compiles. */
    public static List<Problem> problems(QualityPolicy policy, String prefix) {
        return compile(policy, null, prefix) instanceof Invalid i ? i.problems() : List.of();
    }

    public QualityPolicy policy() {
        return policy;
    }

    /** Verdicts of every applicable gate, in a fixed order; a gate that does not apply gives none. */
    public List<GateVerdict> evaluate(String content, ResponseFormat format) {
        String text = content == null ? "" : content;
        String trimmed = text.strip();
        List<GateVerdict> out = new ArrayList<>();
        if (policy.getRequireNonEmpty()) {
            out.add(verdict("non_empty", !trimmed.isEmpty(), trimmed.isEmpty() ? "empty answer" : null));
        }
        if (policy.getMinLength() > 0) {
            boolean ok = trimmed.length() >= policy.getMinLength();
            out.add(verdict("min_length", ok, ok ? null
                    : trimmed.length() + " characters, at least " + policy.getMinLength() + " required"));
        }
        boolean jsonAsked = format != null && format.getType() != null && format.getType().startsWith("json");
        JsonNode parsed = null;
        if ((jsonAsked && policy.getCheckJson()) || schema != null) {
            try {
                parsed = JSON.readTree(stripFence(trimmed));
                if (parsed == null || parsed.isMissingNode()) {
                    parsed = null;
                }
            } catch (Exception e) {
                parsed = null;
            }
            out.add(verdict("json", parsed != null, parsed != null ? null : "not valid JSON"));
        }
        if (schema != null) {
            if (parsed == null) {
                out.add(verdict("json_schema", false, "not JSON, so not matched against the schema"));
            } else {
                List<Error> errors = schema.validate(parsed);
                out.add(verdict("json_schema", errors.isEmpty(), errors.isEmpty() ? null
                        : errors.size() + " violation(s), first: " + errors.get(0).toString()));
            }
        }
        if (policy.getDetectRefusals()) {
            String lower = trimmed.toLowerCase(Locale.ROOT);
            String hit = refusals.stream().filter(lower::contains).findFirst().orElse(null);
            out.add(verdict("refusal", hit == null, hit == null ? null : "refusal phrase \"" + hit + "\""));
        }
        for (int i = 0; i < mustMatch.size(); i++) {
            boolean ok = mustMatch.get(i).matcher(text).find();
            out.add(verdict("must_match", ok, ok ? null : "mustMatch[" + i + "] not found"));
        }
        for (int i = 0; i < mustNotMatch.size(); i++) {
            boolean ok = !mustNotMatch.get(i).matcher(text).find();
            out.add(verdict("must_not_match", ok, ok ? null : "mustNotMatch[" + i + "] found"));
        }
        return out;
    }

    public static boolean allPassed(List<GateVerdict> verdicts) {
        return verdicts.stream().allMatch(GateVerdict::getPassed);
    }

    /** Models often wrap JSON in a Markdown code fence; the content inside is what is checked. */
    static String stripFence(String s) {
        if (s.startsWith("```") && s.endsWith("```") && s.length() >= 6) {
            String inner = s.substring(3, s.length() - 3);
            int nl = inner.indexOf('\n');
            if (nl >= 0 && inner.substring(0, nl).strip().matches("[A-Za-z]*")) {
                inner = inner.substring(nl + 1);
            }
            return inner.strip();
        }
        return s;
    }

    private static GateVerdict verdict(String gate, boolean passed, String detail) {
        return new GateVerdict(gate, passed, detail, null);
    }

    private static List<Pattern> patterns(List<String> sources, String key, List<Problem> problems) {
        List<Pattern> out = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            try {
                out.add(Pattern.compile(sources.get(i)));
            } catch (PatternSyntaxException e) {
                problems.add(new Problem(key + "[" + i + "]", "not a regular expression: " + e.getDescription()));
            }
        }
        return List.copyOf(out);
    }

    private static Optional<String> schemaProblem(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (Exception e) {
            return Optional.of("not valid JSON");
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            return Optional.of("a JSON Schema must be an object or a boolean");
        }
        try {
            Schema meta = SCHEMAS.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
            List<Error> errors = meta.validate(node);
            if (!errors.isEmpty()) {
                return Optional.of("not a valid JSON Schema: " + errors.get(0));
            }
            SCHEMAS.getSchema(text).validate(JSON.nullNode());
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("not a valid JSON Schema: " + e.getClass().getSimpleName());
        }
    }
}
