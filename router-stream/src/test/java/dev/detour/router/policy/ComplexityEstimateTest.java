package dev.detour.router.policy;

import static dev.detour.router.testing.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ComplexityEstimateTest {

    private static CompletionRequest ask(String text, Integer maxTokens) {
        return CompletionRequest.newBuilder(request("j", "chat", 0))
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent(text).build()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(maxTokens).build())
                .build();
    }

    @Test
    void aShortGreetingIsSimpleAndAProofRequestWithCodeIsNot() {
        assertThat(ComplexityEstimate.of(ask("Say hello", 50)).value()).isLessThan(0.1);
        double hard = ComplexityEstimate.of(ask("Prove step by step that this algorithm is correct:\n```python\n"
                + "def f(x):\n    return x\n```\n" + "context ".repeat(3_000), 4_000)).value();
        assertThat(hard).isGreaterThan(0.7);
    }

    @Property(tries = 200)
    void alwaysBetweenZeroAndOne(@ForAll @StringLength(max = 3_000) String text,
                                 @ForAll @IntRange(min = 1, max = 200_000) int maxTokens) {
        assertThat(ComplexityEstimate.of(ask(text, maxTokens)).value()).isBetween(0.0, 1.0);
    }

    @Property(tries = 200)
    void addingCodeOrAskingForMoreNeverMakesItSimpler(@ForAll @StringLength(max = 2_000) String text,
                                                      @ForAll @IntRange(min = 1, max = 50_000) int maxTokens) {
        double base = ComplexityEstimate.of(ask(text, maxTokens)).value();
        assertThat(ComplexityEstimate.of(ask(text + "\n```\ncode\n```", maxTokens)).value()).isGreaterThanOrEqualTo(base);
        assertThat(ComplexityEstimate.of(ask(text, maxTokens * 2)).value()).isGreaterThanOrEqualTo(base);
        assertThat(ComplexityEstimate.of(ask(text + text, maxTokens)).value()).isGreaterThanOrEqualTo(base);
    }

    /** The one-pass cue search finds exactly what lower-casing the prompt and searching each cue finds. */
    @Property(tries = 500)
    void theOnePassCueSearchAgreesWithLowerCasingAndContains(
            @ForAll("cueHeavyText") String text) {
        assertThat(ComplexityEstimate.cuesIn(text)).isEqualTo(ComplexityEstimate.cuesByLowerCasing(text));
    }

    @Property(tries = 200)
    void theOnePassCueSearchAgreesOnArbitraryText(@ForAll @StringLength(max = 500) String text) {
        assertThat(ComplexityEstimate.cuesIn(text)).isEqualTo(ComplexityEstimate.cuesByLowerCasing(text));
    }

    /** Messages are searched one by one; the answer is that of the joined text (cut at 20k characters). */
    @Property(tries = 200)
    void cuesOfSeveralMessagesAreThoseOfTheJoinedText(@ForAll("cueHeavyText") String a, @ForAll("cueHeavyText") String b,
                                                      @ForAll @IntRange(min = 0, max = 20_010) int padding) {
        List<String> contents = List.of(a, "x".repeat(padding) + b, b);
        CompletionRequest request = CompletionRequest.newBuilder(ask("", 10))
                .setMessages(contents.stream().map(c -> ChatMessage.newBuilder().setRole("user").setContent(c).build())
                        .toList())
                .build();
        StringBuilder joined = new StringBuilder();
        for (String c : contents) {
            if (joined.length() < 20_000) {
                joined.append(c, 0, Math.min(c.length(), 20_000 - joined.length())).append('\n');
            }
        }
        long expected = ComplexityEstimate.cuesByLowerCasing(joined.toString());
        ComplexityEstimate e = ComplexityEstimate.of(request);
        assertThat(e.codePart()).isEqualTo(ComplexityEstimate.CODE_WEIGHT
                * Math.min(1.0, Long.bitCount(expected & ((1L << 10) - 1)) / 2.0));
        assertThat(e.reasoningPart()).isEqualTo(ComplexityEstimate.REASONING_WEIGHT
                * Math.min(1.0, Long.bitCount(expected >>> 10) / 2.0));
    }

    @Provide
    Arbitrary<String> cueHeavyText() {
        Arbitrary<String> fragment = Arbitraries.oneOf(
                Arbitraries.of("```", "def ", "CLASS ", "Public Static", "function ", "#include", "import ", "SeLeCt ",
                        "=>", "};", "Step by step", "prove", "PROOF", "derive", "reason", "analy", "explain why",
                        "algorithm", "Optimi", "debug", "refactor", "architecture", "trade-off", "tradeoff", "theorem",
                        "calculate", "optim\u0130", "\u0130mport ", "\u212Aey", "de", "f", " ", "\n", "st", "ep"),
                Arbitraries.strings().ofMaxLength(4));
        return fragment.list().ofMaxSize(30).map(parts -> String.join("", parts));
    }
}
