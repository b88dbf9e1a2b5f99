package io.shardview.node.journal;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long journal command on stderr: nothing for the first second, then the count done, the rate and,
 * when the total is known, a bar and the time left. On a terminal the line is redrawn in place; otherwise a line is
 * printed every 5 seconds, so logs of a long run show it without flooding.
 */
final class Progress implements AutoCloseable {
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final String what;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long done;
    private long shownNanos;
    private boolean shown;

    /** @param total how many there are, or -1 when not known */
    Progress(String what, long total) {
        this(what, total, System.err, System.console() != null);
    }

    Progress(String what, long total, PrintStream out, boolean terminal) {
        this.what = what;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
    }

    /** Counts {@code n} more done. */
    void advance(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - startNanos < QUIET_NANOS) return;
        if (now - shownNanos < (terminal ? 200_000_000L : 5_000_000_000L)) return;
        shownNanos = now;
        show(now, false);
    }

    private void show(long now, boolean last) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder(what).append(": ");
        if (total >= 0) {
            int width = 30;
            int filled = total == 0 ? width : (int) Math.min(width, width * done / total);
            line.append('[')
                    .append("#".repeat(filled))
                    .append(" ".repeat(width - filled))
                    .append("] ")
                    .append(done)
                    .append('/')
                    .append(total);
        } else {
            line.append(done);
        }
        line.append(String.format(Locale.ROOT, rate < 10 ? ", %.1f/s" : ", %.0f/s", rate));
        if (total > 0 && !last && rate > 0) {
            line.append(String.format(Locale.ROOT, ", %.0f s left", Math.max(0, total - done) / rate));
        }
        if (last) line.append(String.format(Locale.ROOT, ", %.1f s", seconds));
        if (terminal) out.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        else out.println(line);
        out.flush();
        shown = true;
    }

    /** Ends the line, with the totals, if anything was shown. */
    @Override
    public void close() {
        if (shown) show(System.nanoTime(), true);
    }
}
