package dev.metalprov.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link FleetSimulator} in a JVM of its own, driven over its standard input and output. A
 * process may hold only so many file descriptors (the hard limit of {@code ulimit -n}, which only
 * a privileged user can raise): each BMC takes one for its listening socket and one for each
 * connection its client keeps open, so a fleet of ten thousand is spread over several of these.
 *
 * <p>The protocol is a line each way: {@code add N} answers {@code ports P1,P2,...};
 * {@code requests} answers {@code requests COUNT}; end of input closes the fleet and ends the JVM.
 */
public final class FleetSimulatorProcess implements AutoCloseable {

    private final Process process;
    private final PrintWriter commands;
    private final BufferedReader answers;

    private FleetSimulatorProcess(Process process) {
        this.process = process;
        this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts a fleet process whose BMCs take these Basic credentials, show a power transition this
     * long and listen on free ports of {@code [firstPort, lastPort]}; it logs to {@code log}.
     */
    public static FleetSimulatorProcess start(String username, String password, Duration powerTransition, int firstPort,
            int lastPort, Path log) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small: a BMC is a few KiB; two event loops and no JIT threads beyond the default.
                "-Xmx512m", "-XX:+UseSerialGC", FleetSimulatorProcess.class.getName(), username, password,
                String.valueOf(powerTransition.toMillis()), String.valueOf(firstPort), String.valueOf(lastPort));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        // In the environment, not on the command line: hundreds of jars.
        builder.environment().put("CLASSPATH", classPath());
        try {
            return new FleetSimulatorProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a fleet process", e);
        }
    }

    /** Adds {@code count} BMCs and answers their ports, in order. */
    public synchronized List<Integer> add(int count) {
        String answer = ask("add " + count, "ports ");
        return answer.isEmpty() ? List.of() : Arrays.stream(answer.split(",")).map(Integer::valueOf).toList();
    }

    /** Requests received by this process's BMCs together. */
    public synchronized long totalRequests() {
        return Long.parseLong(ask("requests", "requests "));
    }

    private String ask(String command, String prefix) {
        commands.println(command);
        try {
            String line = answers.readLine();
            if (line == null || !line.startsWith(prefix)) {
                throw new IllegalStateException("the fleet process answered '" + line + "' to '" + command + "'");
            }
            return line.substring(prefix.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        commands.close();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The class path of this class's loader: under Maven's exec:java that is not java.class.path. */
    private static String classPath() {
        if (FleetSimulatorProcess.class.getClassLoader() instanceof URLClassLoader loader) {
            return Arrays.stream(loader.getURLs()).map(url -> {
                try {
                    return Path.of(url.toURI()).toString();
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining(java.io.File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    /** The fleet process itself. */
    public static void main(String[] args) throws IOException {
        try (FleetSimulator fleet = new FleetSimulator(args[0], args[1])
                .powerTransition(Duration.ofMillis(Long.parseLong(args[2])))
                .ports(Integer.parseInt(args[3]), Integer.parseInt(args[4]))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("add ")) {
                    List<String> ports = new ArrayList<>();
                    fleet.add(Integer.parseInt(line.substring(4).trim())).forEach(e -> ports.add(String.valueOf(e.port())));
                    out.println("ports " + String.join(",", ports));
                } else if (line.equals("requests")) {
                    out.println("requests " + fleet.totalRequests());
                } else {
                    out.println("unknown command " + line);
                }
            }
        }
    }
}
