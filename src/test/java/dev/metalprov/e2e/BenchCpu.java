package dev.metalprov.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A process's CPU time from /proc: in total ({@code utime + stime} of /proc/PID/stat) and per
 * thread (/proc/PID/task/TID/stat, named by its comm), in clock ticks of 10 ms (the USER_HZ of
 * Linux on x86 and arm64). The JIT's compiler threads are named "C1 CompilerThre" and
 * "C2 CompilerThre" (the kernel keeps 15 characters).
 */
final class BenchCpu {

    static final double TICK_SECONDS = 0.01;

    /** A thread's name and its CPU ticks so far. */
    record Thread(String name, long ticks) {
    }

    private BenchCpu() {
    }

    /** The process's CPU ticks, or -1 when it is gone. */
    static long processTicks(long pid) {
        return ticks(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /** Every live thread of the process, by thread id. */
    static Map<Long, Thread> threads(long pid) {
        Map<Long, Thread> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                long ticks = ticks(task.resolve("stat"));
                if (ticks >= 0) {
                    try {
                        threads.put(Long.parseLong(task.getFileName().toString()),
                                new Thread(Files.readString(task.resolve("comm")).strip(), ticks));
                    } catch (IOException e) {
                        // The thread ended between the two reads.
                    }
                }
            });
        } catch (IOException e) {
            // The process is gone.
        }
        return threads;
    }

    /** What a thread of this name is for, as the report groups them. */
    static String kind(String name) {
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return "JIT compiler";
        }
        if (name.startsWith("GC Thread") || name.startsWith("ParGC") || name.startsWith("VM Thread") || name.startsWith("G1 ")) {
            return "GC and VM";
        }
        return "application";
    }

    private static long ticks(Path stat) {
        try {
            String text = Files.readString(stat);
            // The name in parentheses may hold spaces: the fields start after its closing one.
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
