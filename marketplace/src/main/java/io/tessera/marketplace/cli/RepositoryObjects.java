package io.tessera.marketplace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.marketplace.client.PlatformClient;
import io.tessera.marketplace.client.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera repo add|list|sync}: the platform's Repository objects (kubesphere.io/v1alpha1),
 * through its Kubernetes API. {@code add} and {@code sync} wait for the sync they cause and exit
 * non-zero when it failed.
 */
final class RepositoryObjects {

    static final String REPOSITORIES = "/apis/kubesphere.io/v1alpha1/repositories";
    static final String SYNC_REQUESTED = "kubesphere.io/sync-requested-at";

    private RepositoryObjects() {
    }

    /** A URL as given, or a local directory or .tsr file as its absolute file:// URL (it must exist). */
    static String url(String location) throws IOException {
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            String scheme = URI.create(location).getScheme();
            if (!List.of("file", "http", "https").contains(scheme)) {
                throw new UserError("repository URL " + location + ": only file://, http:// and https:// are served");
            }
            return location;
        }
        Path p = Path.of(location).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new UserError("repository " + location + " does not exist (a directory with index.json, a .tsr file or a URL)");
        }
        if (Files.isDirectory(p) && !Files.exists(p.resolve("index.json"))) {
            throw new UserError(p + " has no index.json: run 'tessera repo index " + location + "' first");
        }
        return "file://" + p.toUri().getRawPath().replaceAll("/+$", "");
    }

    static String path(String name) {
        return REPOSITORIES + "/" + PlatformClient.encode(name);
    }

    /** A 404 on the collection itself means the platform does not serve Repository objects at all. */
    static PlatformException explain(PlatformException e) {
        return e.status() == 404 ? new PlatformException(404, "this platform serves no Repository objects (kubesphere.io/v1alpha1 "
                + "repositories): it is older than the marketplace's repositories (" + e.getMessage() + ")") : e;
    }

    static JsonNode synced(JsonNode repository) {
        for (JsonNode c : repository.path("status").path("conditions")) {
            if ("Synced".equals(c.path("type").asText())) {
                return c;
            }
        }
        return null;
    }

    /**
     * Polls until {@code status.lastSyncTime >= requested} and the status changed from
     * {@code before}; prints the outcome and returns the exit code.
     */
    static int awaitSync(PlatformClient client, CommandSpec spec, String name, Instant requested, JsonNode before, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode repo = client.get(path(name));
            JsonNode status = repo.path("status");
            String last = status.path("lastSyncTime").asText("");
            if (!last.isEmpty() && !Instant.parse(last).isBefore(requested) && !Objects.equals(status, before)) {
                JsonNode c = synced(repo);
                boolean ok = c != null && "True".equals(c.path("status").asText());
                String message = c == null ? "" : c.path("message").asText("");
                if (ok) {
                    Output.say(spec, "%s synced at %s: %d extension(s)%s", name, last, status.path("extensionCount").asInt(0),
                            message.isEmpty() ? "" : " (" + message + ")");
                    return 0;
                }
                Output.complain(spec, "tessera: repository %s did not sync: %s%s", name,
                        c == null ? "no Synced condition" : c.path("reason").asText(""), message.isEmpty() ? "" : ": " + message);
                return 1;
            }
            if (System.nanoTime() > deadline) {
                Output.complain(spec, "tessera: repository %s did not report a sync within %d s (is the platform's "
                        + "repository controller running?)", name, timeout.toSeconds());
                return 1;
            }
            Thread.sleep(ExtCommand.POLL.toMillis()); // polling the status; the deadline bounds it
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Add a repository to the platform and wait for its first sync.",
                "URL: a directory (with index.json) or .tsr file on the server's machine, or http(s)://host/path/."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "URL")
        String location;

        @Option(names = "--interval", description = "Sync period, e.g. 15m or 1h (default: the platform's).")
        String interval;

        @Option(names = "--description")
        String description;

        @Option(names = "--ca-bundle", paramLabel = "FILE", description = "PEM certificate(s) to trust for an https repository.")
        Path caBundle;

        @Option(names = "--insecure", description = "Do not verify an https repository's certificate.")
        boolean insecure;

        @Option(names = "--no-wait", description = "Return without waiting for the first sync.")
        boolean noWait;

        @Option(names = "--timeout", defaultValue = "2m", converter = Durations.class, description = "How long to wait for the first sync (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            if (interval != null) {
                try {
                    Durations.parse(interval);
                } catch (picocli.CommandLine.TypeConversionException e) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--interval: " + e.getMessage());
                }
            }
            Map<String, Object> repoSpec = new LinkedHashMap<>();
            repoSpec.put("url", url(location));
            if (description != null) {
                repoSpec.put("description", description);
            }
            if (interval != null) {
                repoSpec.put("updateStrategy", Map.of("registryPoll", Map.of("interval", interval)));
            }
            if (caBundle != null) {
                repoSpec.put("caBundle", Base64.getEncoder().encodeToString(Files.readAllBytes(caBundle)));
            }
            if (insecure) {
                repoSpec.put("insecure", true);
            }
            PlatformClient client = Connect.client();
            Instant requested = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            try {
                client.post(REPOSITORIES, Map.of("apiVersion", "kubesphere.io/v1alpha1", "kind", "Repository",
                        "metadata", Map.of("name", name, "annotations", Map.of(SYNC_REQUESTED, requested.toString())), "spec", repoSpec));
            } catch (PlatformException e) {
                if (e.status() == 409) {
                    throw new PlatformException(409, "repository " + name + " already exists (see 'tessera repo list')");
                }
                throw explain(e);
            }
            Output.say(spec, "Repository %s added (%s).", name, repoSpec.get("url"));
            return noWait ? 0 : awaitSync(client, spec, name, requested, null, timeout);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The platform's repositories and how their last sync went.")
    static final class ListRepositories implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws Exception {
            JsonNode list;
            try {
                list = Connect.client().get(REPOSITORIES);
            } catch (PlatformException e) {
                throw explain(e);
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : list.path("items")) {
                JsonNode st = r.path("status");
                JsonNode c = synced(r);
                rows.add(List.of(r.path("metadata").path("name").asText(), r.path("spec").path("url").asText(""),
                        r.path("spec").path("updateStrategy").path("registryPoll").path("interval").asText(""),
                        c == null ? "" : c.path("status").asText(""), st.path("lastSyncTime").asText(""),
                        st.has("extensionCount") ? st.path("extensionCount").asText() : "",
                        c == null || "True".equals(c.path("status").asText()) ? "" : Output.shorten(c.path("message").asText(""), 80)));
            }
            output.print(list, List.of("NAME", "URL", "INTERVAL", "SYNCED", "LAST SYNC", "EXTENSIONS", "MESSAGE"),
                    rows);
            return 0;
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true, description = "Sync a repository now and wait for the outcome.")
    static final class Sync implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--timeout", defaultValue = "2m", converter = Durations.class, description = "How long to wait (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PlatformClient client = Connect.client();
            JsonNode before;
            try {
                before = client.get(path(name)).path("status");
            } catch (PlatformException e) {
                if (e.status() == 404) {
                    throw new PlatformException(404, "there is no repository " + name + " (see 'tessera repo list')");
                }
                throw e;
            }
            Instant requested = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Output.say(spec, "Syncing %s…", name);
            client.mergePatch(path(name), Map.of("metadata", Map.of("annotations", Map.of(SYNC_REQUESTED, requested.toString()))));
            return awaitSync(client, spec, name, requested, before, timeout);
        }
    }
}
