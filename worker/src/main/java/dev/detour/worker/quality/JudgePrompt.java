package dev.detour.worker.quality;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.JudgeSpec;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The judge's side of the conversation: the prompt that asks a judge deployment to score an answer
 * against a rubric, and the reading of its reply (the first number in [0, 1]; a percentage or a
 * score out of ten is scaled down).
 */
public final class JudgePrompt {
    private static final Pattern NUMBER = Pattern.compile("(\\d+(?:\\.\\d+)?)");

    private JudgePrompt() {
    }

    public static List<ChatMessage> messages(JudgeSpec judge, String question, String answer) {
        return List.of(
                ChatMessage.newBuilder().setRole("system").setContent("You grade answers. Reply with a single number between 0 and 1 and nothing else.").build(),
                ChatMessage.newBuilder().setRole("user").setContent("Rubric:\n" + judge.getRubric() + "\n\nQuestion:\n" + question
                        + "\n\nAnswer:\n" + answer + "\n\nScore (0 to 1):").build());
    }

    public static OptionalDouble score(String reply) {
        if (reply == null) {
            return OptionalDouble.empty();
        }
        Matcher m = NUMBER.matcher(reply);
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        double v = Double.parseDouble(m.group(1));
        if (v > 1 && v <= 10) {
            v = v / 10;
        } else if (v > 10 && v <= 100) {
            v = v / 100;
        }
        return v >= 0 && v <= 1 ? OptionalDouble.of(v) : OptionalDouble.empty();
    }
}
