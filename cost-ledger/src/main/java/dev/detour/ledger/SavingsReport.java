package dev.detour.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Savings of a tenant by day over an inclusive range of UTC days, with the total. */
public record SavingsReport(String tenant, String from, String to, List<SavingsRow> days, SavingsRow total) implements Tabular {

    @Override
    public List<String> tableColumns() {
        return List.of("tenant", "day", "attempts", "costMicros", "baselineMicros", "savingsMicros", "cachedAnswers");
    }

    @Override
    public List<Object> tableTotal() {
        return Arrays.asList("TOTAL", null, total.attempts(), total.costMicros(), total.baselineMicros(), total.savingsMicros(),
                total.cachedAnswers());
    }

    @Override
    public List<List<Object>> tableRows() {
        List<List<Object>> out = new ArrayList<>();
        for (SavingsRow r : days) {
            out.add(Arrays.asList(tenant, r.day(), r.attempts(), r.costMicros(), r.baselineMicros(), r.savingsMicros(),
                    r.cachedAnswers()));
        }
        return out;
    }
}
