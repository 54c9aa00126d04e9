package dev.detour.core.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.core.config.ConfigPublisher;
import dev.detour.schema.Catalog;
import dev.detour.schema.GateVerdict;
import dev.detour.schema.JudgeSpec;
import dev.detour.schema.QualityPolicy;
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.TenantPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityGatesTest {
    private static final ResponseFormat JSON_OBJECT = new ResponseFormat("json_object", null);
    private static final String PERSON = """
            {"type":"object","required":["name","age"],"properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}}}""";

    private static QualityGates gates(QualityPolicy p, ResponseFormat f) {
        return ((QualityGates.Ok) QualityGates.compile(p, f, "q")).gates();
    }

    private static QualityPolicy.Builder policy() {
        return QualityPolicy.newBuilder();
    }

    private static List<String> failed(List<GateVerdict> v) {
        return v.stream().filter(g -> !g.getPassed()).map(GateVerdict::getGate).toList();
    }

    @Test
    void emptyAndShortAnswersFail() {
        QualityGates g = gates(policy().setMinLength(10).build(), null);
        assertThat(failed(g.evaluate("   ", null))).containsExactly("non_empty", "min_length");
        assertThat(failed(g.evaluate("short", null))).containsExactly("min_length");
        assertThat(failed(g.evaluate("long enough answer", null))).isEmpty();
        assertThat(failed(g.evaluate(null, null))).contains("non_empty");
    }

    @Test
    void jsonIsCheckedOnlyWhenAJsonFormatWasAsked() {
        QualityGates g = gates(policy().build(), JSON_OBJECT);
        assertThat(failed(g.evaluate("{\"a\": 1", JSON_OBJECT))).containsExactly("json");
        assertThat(failed(g.evaluate("{\"a\": 1}", JSON_OBJECT))).isEmpty();
        assertThat(failed(g.evaluate("```json\n{\"a\": 1}\n```", JSON_OBJECT))).isEmpty();
        assertThat(failed(g.evaluate("not json", new ResponseFormat("text", null)))).isEmpty();
        QualityGates off = gates(policy().setCheckJson(false).build(), JSON_OBJECT);
        assertThat(failed(off.evaluate("not json", JSON_OBJECT))).isEmpty();
    }

    @Test
    void jsonSchemaFromThePolicyOrTheResponseFormat() {
        QualityGates g = gates(policy().setJsonSchema(PERSON).build(), null);
        assertThat(failed(g.evaluate("{\"name\":\"Ada\",\"age\":36}", null))).isEmpty();
        assertThat(failed(g.evaluate("{\"name\":\"Ada\",\"age\":-1}", null))).containsExactly("json_schema");
        assertThat(failed(g.evaluate("{\"name\":\"Ada\"}", null))).containsExactly("json_schema");
        assertThat(failed(g.evaluate("nope", null))).containsExactly("json", "json_schema");
        ResponseFormat withSchema = new ResponseFormat("json_schema", PERSON);
        QualityGates fromFormat = gates(policy().build(), withSchema);
        assertThat(failed(fromFormat.evaluate("{\"name\":1,\"age\":2}", withSchema))).containsExactly("json_schema");
    }

    @Test
    void refusalsWithDefaultAndOwnPhrases() {
        QualityGates g = gates(policy().setDetectRefusals(true).build(), null);
        assertThat(failed(g.evaluate("I'm sorry, but I can't do that.", null))).containsExactly("refusal");
        assertThat(failed(g.evaluate("Here is the summary.", null))).isEmpty();
        QualityGates own = gates(policy().setDetectRefusals(true).setRefusalPhrases(List.of("NO COMMENT")).build(), null);
        assertThat(failed(own.evaluate("no comment at all", null))).containsExactly("refusal");
        assertThat(failed(own.evaluate("I am unable to", null))).isEmpty();
        QualityGates off = gates(policy().build(), null);
        assertThat(failed(off.evaluate("I am unable to", null))).isEmpty();
    }

    @Test
    void mustAndMustNotRegexes() {
        QualityGates g = gates(policy().setMustMatch(List.of("\\bSKU-\\d{4}\\b")).setMustNotMatch(List.of("(?i)lorem")).build(), null);
        assertThat(failed(g.evaluate("item SKU-1234 ok", null))).isEmpty();
        assertThat(failed(g.evaluate("item SKU-12 ok", null))).containsExactly("must_match");
        assertThat(failed(g.evaluate("Lorem SKU-1234", null))).containsExactly("must_not_match");
    }

    @Test
    void badConfigIsRejectedWithTheOffendingKey() {
        var bad = policy().setMustMatch(List.of("ok", "(unclosed")).setJsonSchema("{\"type\": 5}")
                .setJudge(new JudgeSpec("judge-1", "rubric", 1.5)).build();
        assertThat(QualityGates.problems(bad, "tenant/acme.quality")).extracting(QualityGates.Problem::key)
                .containsExactlyInAnyOrder("tenant/acme.quality.mustMatch[1]", "tenant/acme.quality.jsonSchema",
                        "tenant/acme.quality.judge.threshold");
        assertThat(QualityGates.problems(policy().setJsonSchema("{not json").build(), "q"))
                .extracting(QualityGates.Problem::key).containsExactly("q.jsonSchema");
        assertThat(QualityGates.problems(policy().setJsonSchema(PERSON).build(), "q")).isEmpty();
    }

    @Test
    void unknownJudgeDeploymentIsRejectedAgainstTheCatalog() {
        TenantPolicy tenant = TenantPolicy.newBuilder().setTenant("acme")
                .setQuality(policy().setJudge(new JudgeSpec("no-such", "Is it correct?", 0.7)).build()).build();
        Catalog empty = Catalog.newBuilder().setVersion("1").setProviders(List.of()).setDeployments(List.of())
                .setGroups(List.of()).build();
        assertThat(ConfigPublisher.tenantProblems(tenant, empty)).extracting(QualityGates.Problem::key)
                .containsExactly("tenant/acme.quality.judge.deploymentId");
        assertThat(ConfigPublisher.tenantProblems(tenant, null)).isEmpty();
    }
}
