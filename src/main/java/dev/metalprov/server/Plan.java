package dev.metalprov.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerState;

/**
 * What a state handler decides for one pass: the state to report, at most one request to the
 * BMC, the conditions and events to record, and when to look again. A pass that changes the
 * server's spec or metadata writes only that (and drops the boot configuration it releases); the
 * status follows in the next pass, which the write itself triggers.
 */
public final class Plan {

    /** A condition of the server to set. */
    public record Condition(String type, boolean status, String reason, String message) {
    }

    /** An event to record on the server; Warning when {@code warning} is set. */
    public record Note(boolean warning, String reason, String message) {
    }

    /** A change of the server's spec or metadata, and why, for the log and the event. */
    public record Write(String why, UnaryOperator<Server> change, ObjectReference deleteBootConfiguration) {
    }

    private final ServerState next;
    private BmcCommand command;
    private Write write;
    private Duration recheck;
    private final List<Condition> conditions = new ArrayList<>();
    private final List<String> clearedConditions = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();

    private Plan(ServerState next) {
        this.next = next;
    }

    /** Report this state. */
    public static Plan to(ServerState next) {
        return new Plan(next);
    }

    /** Change the spec or metadata this pass; the state stays as it is until the next. */
    public static Plan write(ServerState current, String why, UnaryOperator<Server> change) {
        Plan plan = new Plan(current);
        plan.write = new Write(why, change, null);
        return plan;
    }

    public Plan deleting(ObjectReference bootConfiguration) {
        write = new Write(write.why(), write.change(), bootConfiguration);
        return this;
    }

    public Plan send(BmcCommand value) {
        this.command = value;
        return this;
    }

    public Plan send(Optional<BmcCommand> value) {
        this.command = value.orElse(null);
        return this;
    }

    public Plan recheckAfter(Duration value) {
        this.recheck = value;
        return this;
    }

    public Plan condition(String type, boolean status, String reason, String message) {
        conditions.add(new Condition(type, status, reason, message));
        return this;
    }

    public Plan clearCondition(String type) {
        clearedConditions.add(type);
        return this;
    }

    public Plan event(String reason, String message) {
        notes.add(new Note(false, reason, message));
        return this;
    }

    public Plan warning(String reason, String message) {
        notes.add(new Note(true, reason, message));
        return this;
    }

    public ServerState next() {
        return next;
    }

    public Optional<BmcCommand> command() {
        return Optional.ofNullable(command);
    }

    public Optional<Write> write() {
        return Optional.ofNullable(write);
    }

    public Optional<Duration> recheck() {
        return Optional.ofNullable(recheck);
    }

    public List<Condition> conditions() {
        return conditions;
    }

    public List<String> clearedConditions() {
        return clearedConditions;
    }

    public List<Note> notes() {
        return notes;
    }

    @Override
    public String toString() {
        return "Plan[" + next + (command == null ? "" : ", send " + command) + (write == null ? "" : ", write " + write.why())
                + (recheck == null ? "" : ", recheck " + recheck) + ", " + conditions + ", " + notes + "]";
    }
}
