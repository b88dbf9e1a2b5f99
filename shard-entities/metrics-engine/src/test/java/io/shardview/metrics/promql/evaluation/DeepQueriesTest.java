package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.parser.PromqlParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deepest queries the parser accepts are evaluated within half a usual thread stack, the budget the circuit's
 * planning is held to: a server thread's stack (1 MiB) cannot run out on a query that passed the parser's limits.
 */
class DeepQueriesTest {
    @Test
    void theDeepestAcceptedQueriesEvaluateWithinHalfAThreadStack() throws InterruptedException {
        int nesting = PromqlParser.MAX_NESTING;
        int height = PromqlParser.MAX_HEIGHT;
        List<String> deepest = List.of(
                "x" + " + x".repeat(height - 1),
                "(".repeat(nesting - 1) + "x" + ")".repeat(nesting - 1),
                "sum(".repeat(nesting - 1) + "x" + ")".repeat(nesting - 1),
                "topk(1, ".repeat(nesting - 1) + "x" + ")".repeat(nesting - 1),
                "abs(".repeat(nesting - 1) + "x" + ")".repeat(nesting - 1),
                "-".repeat(nesting - 1) + "x");
        Series x = new Series(Labels.of("__name__", "x"), new long[] {0, 60_000}, new double[] {1, 2});
        Evaluator evaluator = ListedSeries.over(List.of(x));
        List<String> values = new ArrayList<>();
        Thread thread = new Thread(
                null,
                () -> {
                    for (String q : deepest) {
                        QueryResult.Vector v = (QueryResult.Vector) evaluator.instant(PromqlParser.parse(q), 60_000);
                        values.add(v.samples().size() + ":" + v.samples().get(0).value());
                    }
                },
                "half-stack",
                512 * 1024);
        thread.start();
        thread.join();
        assertEquals(List.of("1:512.0", "1:2.0", "1:2.0", "1:2.0", "1:2.0", "1:-2.0"), values);
    }
}
