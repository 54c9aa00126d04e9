package dev.detour.ledger;

import java.util.ArrayList;
import java.util.List;

/** Every refused usage record, oldest first. */
public record ProblemList(List<Problem> problems) implements Tabular {

    @Override
    public List<String> tableColumns() {
        return Problem.COLUMNS;
    }

    @Override
    public List<List<Object>> tableRows() {
        List<List<Object>> out = new ArrayList<>();
        for (Problem p : problems) out.add(p.cells());
        return out;
    }
}
