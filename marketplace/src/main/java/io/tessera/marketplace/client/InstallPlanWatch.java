package io.tessera.marketplace.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows one InstallPlan until it reaches the end state of what was asked (polling its status
 * through the platform's Kubernetes API), reporting every new state or condition message as a
 * progress line. A failed state counts only once the status changed after the request, so the
 * failure of an earlier attempt is not taken for the answer to this one.
 */
public final class InstallPlanWatch {

    public static final String PLANS = "/apis/kubesphere.io/v1alpha1/installplans";
    private static final Set<String> INSTALL_FAILURES = Set.of("InstallFailed", "UpgradeFailed");

    /** How a wait ended: success, or the state and the message that say why not. */
    public record Outcome(boolean success, String state, String message) {
    }

    private final PlatformClient client;
    private final Duration timeout;
    private final Duration interval;
    private final Consumer<String> progress;

    public InstallPlanWatch(PlatformClient client, Duration timeout, Duration interval, Consumer<String> progress) {
        this.client = client;
        this.timeout = timeout;
        this.interval = interval;
        this.progress = progress;
    }

    /** The plan, or null when there is none. */
    public static JsonNode find(PlatformClient client, String name) throws IOException {
        try {
            return client.get(PLANS + "/" + PlatformClient.encode(name));
        } catch (PlatformException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Waits for {@code Installed} at {@code version}, or a fresh InstallFailed/UpgradeFailed. */
    public Outcome untilInstalled(String name, String version, JsonNode statusBefore) throws IOException, InterruptedException {
        return await(name, statusBefore, plan -> {
            if (plan == null) {
                return new Outcome(false, "Deleted", "the InstallPlan " + name + " was deleted while waiting");
            }
            JsonNode status = plan.path("status");
            String state = status.path("state").asText("");
            if ("Installed".equals(state) && version.equals(status.path("version").asText())) {
                return new Outcome(true, state, message(status));
            }
            if (INSTALL_FAILURES.contains(state) && !Objects.equals(status, statusBefore)) {
                return new Outcome(false, state, message(status));
            }
            return null;
        });
    }

    /** Waits until the plan is gone, or a fresh UninstallFailed. */
    public Outcome untilUninstalled(String name, JsonNode statusBefore) throws IOException, InterruptedException {
        return await(name, statusBefore, plan -> {
            if (plan == null) {
                return new Outcome(true, "Uninstalled", "");
            }
            JsonNode status = plan.path("status");
            if ("UninstallFailed".equals(status.path("state").asText()) && !Objects.equals(status, statusBefore)) {
                return new Outcome(false, "UninstallFailed", message(status));
            }
            return null;
        });
    }

    private interface EndState {
        Outcome of(JsonNode plan);
    }

    private Outcome await(String name, JsonNode statusBefore, EndState end) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastLine = null;
        JsonNode plan = null;
        while (true) {
            plan = find(client, name);
            if (plan != null) {
                JsonNode status = plan.path("status");
                String state = status.path("state").asText("");
                if (!state.isEmpty() && !Objects.equals(status, statusBefore)) {
                    String msg = message(status);
                    String line = msg.isEmpty() ? state : state + ": " + msg;
                    if (!line.equals(lastLine)) {
                        progress.accept(line);
                        lastLine = line;
                    }
                }
            }
            Outcome outcome = end.of(plan);
            if (outcome != null) {
                return outcome;
            }
            if (System.nanoTime() > deadline) {
                String state = plan == null ? "" : plan.path("status").path("state").asText("");
                String msg = plan == null ? "" : message(plan.path("status"));
                return new Outcome(false, state.isEmpty() ? "Pending" : state, "no end state within " + human(timeout)
                        + (state.isEmpty() ? "" : "; still " + state) + (msg.isEmpty() ? "" : " (" + msg + ")"));
            }
            Thread.sleep(interval.toMillis()); // polling the plan's status; the deadline above bounds it
        }
    }

    /** The newest condition's message: the runtime appends the condition it changed last. */
    static String message(JsonNode status) {
        JsonNode conditions = status.path("conditions");
        if (conditions.isArray() && !conditions.isEmpty()) {
            return conditions.get(conditions.size() - 1).path("message").asText("");
        }
        return "";
    }

    static String human(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
