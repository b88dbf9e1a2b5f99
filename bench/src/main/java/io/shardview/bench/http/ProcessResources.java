package io.shardview.bench.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resources of another process on this machine: CPU time and resident set (from /proc) and, for a
 * JVM, used heap after a full GC (jcmd).
 */
final class ProcessResources {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private ProcessResources() {}

    /**
     * User plus system CPU time of the process so far, in seconds: unlike wall time, it hardly
     * depends on what else runs on the machine's cores.
     */
    static double cpuSeconds(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from the 3rd on
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /** As {@link #cpuSeconds}, plus the CPU of the children it waited for after they ended (cutime and cstime). */
    private static double cpuSecondsWithEndedChildren(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11])
                + Long.parseLong(fields[12]) // utime, stime
                + Long.parseLong(fields[13])
                + Long.parseLong(fields[14]); // cutime, cstime
        return ticks / 100.0;
    }

    /**
     * CPU seconds of the process' threads so far, summed by thread name with digits replaced by N
     * (Linux keeps the first 15 characters of a name): which pools used the CPU. Threads that ended
     * are missing, so compare two readings only for a process whose pools keep their threads.
     */
    static java.util.Map<String, Double> cpuSecondsByThread(long pid) throws Exception {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "N");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0, Double::sum);
                } catch (java.nio.file.NoSuchFileException ended) {
                    // the thread ended while listing
                }
            }
        }
        return out;
    }

    /**
     * CPU seconds so far (user + system) of every PostgreSQL process of this machine, and of those that ended: a
     * backend that exits (a pool replacing a connection) takes its CPU out of a sum over the processes alive, which made
     * an interval's figure 0 or negative; the postmaster's count of its waited-for children (cutime, cstime) holds it.
     */
    static double postgresCpuSeconds() throws Exception {
        double total = 0;
        try (var processes = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path p : processes.toList()) {
                try {
                    if (p.getFileName().toString().chars().allMatch(Character::isDigit)
                            && java.nio.file.Files.readString(p.resolve("comm"))
                                    .trim()
                                    .startsWith("postgres")) {
                        total += cpuSecondsWithEndedChildren(
                                Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException gone) {
                    // the process ended while listing
                }
            }
        }
        return total;
    }

    /**
     * CPU nanoseconds so far of each of the process' threads, by thread id (/proc/PID/task/TID/schedstat): exact, where
     * {@link #cpuSeconds} counts 10 ms ticks, so it can measure a single request. A thread that ends takes its count
     * with it: compare two readings thread by thread, over an interval in which the process keeps its threads.
     */
    static java.util.Map<Long, Long> cpuNanosByThread(long pid) throws Exception {
        java.util.Map<Long, Long> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    out.put(Long.parseLong(task.getFileName().toString()), cpuNanos(task));
                } catch (java.nio.file.NoSuchFileException ended) {
                    // the thread ended while listing
                }
            }
        }
        return out;
    }

    /** The calling thread's id in {@link #cpuNanosByThread}. */
    static long thisThreadId() throws Exception {
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self"))
                .getFileName()
                .toString());
    }

    private static long cpuNanos(Path task) throws Exception {
        String schedstat = Files.readString(task.resolve("schedstat"));
        return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
    }

    /** System (kernel) CPU time of the process so far, in seconds: a part of {@link #cpuSeconds}. */
    static double systemCpuSeconds(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[12]) / 100.0;
    }

    /** Resident set size in bytes. */
    static long residentBytes(long pid) throws Exception {
        Matcher m = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
        if (!m.find()) throw new IllegalStateException("no VmRSS for process " + pid);
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** Used Java heap in bytes right after a full GC of JVM {@code pid} (twice, so finalizable garbage goes too). */
    static long heapAfterFullGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!m.find()) throw new IllegalStateException("cannot read the heap of process " + pid);
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
