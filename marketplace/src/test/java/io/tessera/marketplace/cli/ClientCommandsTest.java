package io.tessera.marketplace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.marketplace.cli.FakePlatform.Reply;
import io.tessera.marketplace.client.Session;
import io.tessera.marketplace.client.SessionStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The platform commands (login, ext, repo add/list/sync) against a scripted HTTP server: what they
 * send, what they print while waiting, and their exit codes. The same commands against a real
 * platform: distributions' ExtensionGuideIT.
 */
class ClientCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "{\"access_token\":\"a1\",\"token_type\":\"Bearer\",\"refresh_token\":\"r1\",\"expires_in\":7200}";
    private static final String CATALOG = "/kapis/package.kubesphere.io/v1alpha1";
    private static final String PLANS = "/apis/kubesphere.io/v1alpha1/installplans";

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    @BeforeEach
    void isolatedConfigDirectory() {
        System.setProperty("tessera.configDir", tmp.resolve("config").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("tessera.configDir");
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            c.getErr().println("tessera: " + ex.getMessage());
            return 1;
        });
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private void loggedIn(FakePlatform platform) throws Exception {
        new SessionStore(tmp.resolve("config/session.json")).save(new Session(platform.url(), "admin", "a1", "r1",
                Instant.now().plusSeconds(3600).toString(), null, false));
    }

    private static String plan(String state, String version, String message) {
        return "{\"metadata\":{\"name\":\"acme\"},\"spec\":{\"extension\":{\"name\":\"acme\",\"version\":\"" + version + "\"}},"
                + "\"status\":{\"state\":\"" + state + "\",\"version\":\"" + version + "\",\"conditions\":[{\"type\":\"Installed\","
                + "\"message\":\"" + message + "\"}]}}";
    }

    private static final String DETAILS = "{\"extension\":{\"metadata\":{\"name\":\"acme\"},\"status\":{\"recommendedVersion\":\"1.1.0\"}},"
            + "\"versions\":[{\"metadata\":{\"name\":\"acme-2.0.0\"},\"spec\":{\"version\":\"2.0.0\"}},"
            + "{\"metadata\":{\"name\":\"acme-1.1.0\"},\"spec\":{\"version\":\"1.1.0\",\"displayName\":{\"en\":\"Acme\"},"
            + "\"permissions\":[{\"group\":\"acme.io\",\"resources\":[\"things\"],\"verbs\":[\"get\",\"list\"]}],"
            + "\"dependencies\":{\"base\":\">=1.0.0 <2.0.0\"},\"readme\":\"# Acme\\nDoes things.\"}}]}";

    @Test
    void loginKeepsTheSessionOwnerOnlyInTheConfigDirectoryAndLaterCommandsSendItsToken() throws Exception {
        try (FakePlatform platform = new FakePlatform(r -> {
            if (r.path().equals("/oauth/token")) {
                return r.body().contains("password=P%4088w0rd") && r.body().contains("client_id=kubesphere")
                        ? Reply.json(TOKEN) : new Reply(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid username or password.\"}");
            }
            if (r.path().startsWith(CATALOG + "/extensions?")) {
                return Reply.json("{\"items\":[{\"metadata\":{\"name\":\"acme\",\"labels\":{\"kubesphere.io/category\":\"dev-tools\"}},"
                        + "\"spec\":{\"description\":{\"en\":\"Does things\"}},\"status\":{\"recommendedVersion\":\"1.1.0\"}}],\"totalItems\":1}");
            }
            return null;
        })) {
            Run wrong = run(new LoginCommand(), "--server", platform.url() + "/", "--username", "admin", "--password", "nope");
            assertThat(wrong.code()).isEqualTo(1);
            assertThat(wrong.err()).contains("Invalid username or password.");
            assertThat(tmp.resolve("config/session.json")).doesNotExist();

            Run login = run(new LoginCommand(), "--server", platform.url() + "/", "--username", "admin", "--password", "P@88w0rd");
            assertThat(login.code()).as(login.err()).isZero();
            Path file = tmp.resolve("config/session.json");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            JsonNode session = JSON.readTree(file.toFile());
            assertThat(session.path("current").asText()).isEqualTo(platform.url());
            assertThat(session.path("servers").path(platform.url()).path("accessToken").asText()).isEqualTo("a1");

            Run search = run(new ExtCommand(), "search", "acme thing", "--category", "dev-tools");
            assertThat(search.code()).as(search.err()).isZero();
            assertThat(search.out().lines().toList()).first().asString().startsWith("NAME").contains("LATEST").contains("INSTALLED");
            assertThat(search.out()).containsPattern("acme\\s+1\\.1\\.0\\s+-\\s+-\\s+dev-tools\\s+Does things");
            FakePlatform.Request sent = platform.requests("GET", CATALOG).get(0);
            assertThat(sent.authorization()).isEqualTo("Bearer a1");
            assertThat(sent.path()).contains("q=acme%20thing").contains("category=dev-tools");

            Run json = run(new ExtCommand(), "search", "-o", "json");
            assertThat(JSON.readTree(json.out()).path("items").get(0).path("metadata").path("name").asText()).isEqualTo("acme");
        }
    }

    @Test
    void withoutASessionCommandsSayHowToLogIn() {
        Run r = run(new ExtCommand(), "list");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not logged in").contains("tessera login --server URL");
    }

    @Test
    void anExpiredAccessTokenIsRefreshedOnceAndTheNewPairKept() throws Exception {
        try (FakePlatform platform = new FakePlatform(r -> {
            if (r.path().equals("/oauth/token")) {
                return r.body().contains("grant_type=refresh_token") && r.body().contains("refresh_token=r1")
                        ? Reply.json("{\"access_token\":\"a2\",\"refresh_token\":\"r2\",\"expires_in\":7200}")
                        : new Reply(400, "{\"error\":\"invalid_grant\"}");
            }
            if (r.path().startsWith(CATALOG)) {
                return "Bearer a2".equals(r.authorization()) ? Reply.json("{\"items\":[],\"totalItems\":0}")
                        : Reply.status(401, "Unauthorized", "token expired");
            }
            return null;
        })) {
            SessionStore store = new SessionStore(tmp.resolve("config/session.json"));
            store.save(new Session(platform.url(), "admin", "a1", "r1", Instant.now().minusSeconds(5).toString(), null, false));
            Run r = run(new ExtCommand(), "list");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(platform.requests("POST", "/oauth/token")).hasSize(1);
            assertThat(store.find(null).orElseThrow().accessToken()).isEqualTo("a2");
            assertThat(store.find(null).orElseThrow().refreshToken()).isEqualTo("r2");

            // a refresh token the server no longer accepts ends the session with what to do
            store.save(new Session(platform.url(), "admin", "old", "gone", Instant.now().minusSeconds(5).toString(), null, false));
            Run expired = run(new ExtCommand(), "list");
            assertThat(expired.code()).isEqualTo(1);
            assertThat(expired.err()).contains("has expired: run 'tessera login --server " + platform.url() + "'");
        }
    }

    @Test
    void installCreatesThePlanPrintsEachStateAndReturnsOnceInstalled() throws Exception {
        Iterator<String> states = List.of(plan("Preparing", "1.1.0", "waiting for the package"),
                plan("Installing", "1.1.0", "installing acme 1.1.0"), plan("Installed", "1.1.0", "installed")).iterator();
        AtomicReference<String> current = new AtomicReference<>();
        try (FakePlatform platform = new FakePlatform(r -> {
            if (r.path().equals(CATALOG + "/extensions/acme")) {
                return Reply.json(DETAILS);
            }
            if (r.method().equals("POST") && r.path().equals(PLANS)) {
                current.set(states.next());
                return new Reply(201, r.body());
            }
            if (r.method().equals("GET") && r.path().equals(PLANS + "/acme")) {
                if (current.get() == null) {
                    return Reply.status(404, "NotFound", "installplans.kubesphere.io \\\"acme\\\" not found");
                }
                String now = current.get();
                if (states.hasNext()) {
                    current.set(states.next());
                }
                return Reply.json(now);
            }
            return null;
        })) {
            loggedIn(platform);
            Files.writeString(tmp.resolve("config.yaml"), "salutation: Hi\n");
            Run r = run(new ExtCommand(), "install", "acme", "--config", tmp.resolve("config.yaml").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Installing acme 1.1.0…")
                    .contains("  Preparing: waiting for the package")
                    .contains("  Installing: installing acme 1.1.0")
                    .contains("  Installed: installed")
                    .contains("acme 1.1.0 installed (");
            JsonNode created = JSON.readTree(platform.requests("POST", PLANS).get(0).body());
            assertThat(created.path("metadata").path("name").asText()).isEqualTo("acme");
            assertThat(created.path("spec").path("extension").path("version").asText()).isEqualTo("1.1.0");
            assertThat(created.path("spec").path("enabled").asBoolean()).isTrue();
            assertThat(created.path("spec").path("config").asText()).isEqualTo("salutation: Hi\n");
        }
    }

    @Test
    void installThatFailsExitsNonZeroWithThePlansReason() throws Exception {
        AtomicReference<String> current = new AtomicReference<>();
        try (FakePlatform platform = new FakePlatform(r -> {
            if (r.path().equals(CATALOG + "/extensions/acme")) {
                return Reply.json(DETAILS);
            }
            if (r.method().equals("POST") && r.path().equals(PLANS)) {
                current.set(plan("InstallFailed", "2.0.0", "package acme-2.0.0 refused: checksum mismatch (the package was modified)"));
                return new Reply(201, r.body());
            }
            if (r.path().equals(PLANS + "/acme")) {
                return current.get() == null ? Reply.status(404, "NotFound", "not found") : Reply.json(current.get());
            }
            return null;
        })) {
            loggedIn(platform);
            Run r = run(new ExtCommand(), "install", "acme@2.0.0");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("installing acme 2.0.0 failed: InstallFailed: package acme-2.0.0 refused: checksum mismatch");

            Run unknownVersion = run(new ExtCommand(), "install", "acme@9.9.9");
            assertThat(unknownVersion.code()).isEqualTo(1);
            assertThat(unknownVersion.err()).contains("acme has no version 9.9.9 (versions: 2.0.0, 1.1.0)");
        }
    }

    @Test
    void upgradePatchesTheVersionAndWaitsForTheNewOneNotTheOldInstalledState() throws Exception {
        String old = plan("Installed", "1.1.0", "installed");
        // right after the patch the plan still says Installed (the old version): that is not the answer
        Iterator<String> after = List.of(old, plan("Upgrading", "2.0.0", "upgrading"), plan("Installed", "2.0.0", "upgraded")).iterator();
        AtomicBoolean patched = new AtomicBoolean();
        AtomicReference<String> current = new AtomicReference<>(old);
        try (FakePlatform platform = new FakePlatform(r -> {
            if (r.path().equals(CATALOG + "/extensions/acme")) {
                return Reply.json(DETAILS);
            }
            if (r.method().equals("PATCH") && r.path().equals(PLANS + "/acme")) {
                patched.set(true);
                return Reply.json(current.get());
            }
            if (r.path().equals(PLANS + "/acme")) {
                if (patched.get() && after.hasNext()) {
                    current.set(after.next());
                }
                return Reply.json(current.get());
            }
            return null;
        })) {
            loggedIn(platform);
            Run r = run(new ExtCommand(), "upgrade", "acme", "--version", "2.0.0");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Upgrading acme 1.1.0 → 2.0.0…").contains("  Upgrading: upgrading")
                    .contains("  Installed: upgraded").contains("acme upgraded to 2.0.0");
            assertThat(after.hasNext()).isFalse();
            FakePlatform.Request patch = platform.requests("PATCH", PLANS).get(0);
            assertThat(patch.contentType()).isEqualTo("application/merge-patch+json");
            assertThat(JSON.readTree(patch.body()).path("spec").path("extension").path("version").asText()).isEqualTo("2.0.0");

            Run again = run(new ExtCommand(), "upgrade", "acme", "--version", "2.0.0");
            assertThat(again.code()).isZero();
            assertThat(again.out()).contains("acme is already at 2.0.0");
        }
    }

    private final AtomicReference<FakePlatform> platformRef = new AtomicReference<>();

    @Test
    void uninstallRefusedByDependentsExitsNonZeroNamingThem_andForceAnnotatesBeforeDeleting() throws Exception {
        AtomicReference<String> current = new AtomicReference<>(plan("Installed", "1.1.0", "installed"));
        try (FakePlatform platform = new FakePlatform(r -> {
            if (r.method().equals("DELETE") && r.path().equals(PLANS + "/acme")) {
                boolean forced = !platformRef.get().requests("PATCH", PLANS).isEmpty();
                current.set(forced ? null : plan("UninstallFailed", "1.1.0", "extension acme is required by app; uninstall them first"));
                return Reply.json("{}");
            }
            if (r.method().equals("PATCH")) {
                return Reply.json(current.get());
            }
            if (r.path().equals(PLANS + "/acme")) {
                return current.get() == null ? Reply.status(404, "NotFound", "gone") : Reply.json(current.get());
            }
            return null;
        })) {
            platformRef.set(platform);
            loggedIn(platform);
            Run refused = run(new ExtCommand(), "uninstall", "acme");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("uninstalling acme failed: UninstallFailed: extension acme is required by app");

            current.set(plan("Installed", "1.1.0", "installed"));
            Run forced = run(new ExtCommand(), "uninstall", "acme", "--force");
            assertThat(forced.code()).as(forced.err()).isZero();
            assertThat(forced.out()).contains("acme uninstalled");
            JsonNode patch = JSON.readTree(platform.requests("PATCH", PLANS).get(0).body());
            assertThat(patch.path("metadata").path("annotations").has("kubesphere.io/force-delete")).isTrue();
            int patchAt = platform.requests.indexOf(platform.requests("PATCH", PLANS).get(0));
            int deleteAt = platform.requests.lastIndexOf(platform.requests("DELETE", PLANS).get(1));
            assertThat(patchAt).isLessThan(deleteAt);

            Run notInstalled = run(new ExtCommand(), "uninstall", "acme");
            assertThat(notInstalled.code()).isEqualTo(1);
            assertThat(notInstalled.err()).contains("acme is not installed");
        }
    }

    @Test
    void infoShowsVersionsPermissionsDependenciesAndReadme() throws Exception {
        try (FakePlatform platform = new FakePlatform(r -> r.path().equals(CATALOG + "/extensions/acme") ? Reply.json(DETAILS)
                : r.path().startsWith(CATALOG + "/extensions/") ? Reply.status(404, "NotFound", "extension not found") : null)) {
            loggedIn(platform);
            Run r = run(new ExtCommand(), "info", "acme");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Versions:      2.0.0, 1.1.0").contains("Version 1.1.0")
                    .contains("base >=1.0.0 <2.0.0").contains("acme.io things: get, list").contains("# Acme");
            Run unknown = run(new ExtCommand(), "info", "nope");
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("extension nope is not in the catalog");
        }
    }

    @Test
    void repoAddTurnsADirectoryIntoAFileUrlAndSyncFailsWhenSyncedIsFalse() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("my repo"));
        Files.writeString(repo.resolve("index.json"), "{}");
        AtomicReference<String> status = new AtomicReference<>("{}");
        try (FakePlatform platform = new FakePlatform(r -> {
            String path = "/apis/kubesphere.io/v1alpha1/repositories";
            if (r.method().equals("POST") && r.path().equals(path)) {
                status.set("{\"lastSyncTime\":\"" + Instant.now().plusSeconds(1).toString() + "\",\"extensionCount\":2,"
                        + "\"conditions\":[{\"type\":\"Synced\",\"status\":\"True\",\"message\":\"\"}]}");
                return new Reply(201, r.body());
            }
            if (r.method().equals("PATCH") && r.path().equals(path + "/mine")) {
                status.set("{\"lastSyncTime\":\"" + Instant.now().plusSeconds(1).toString() + "\",\"extensionCount\":2,"
                        + "\"conditions\":[{\"type\":\"Synced\",\"status\":\"False\",\"reason\":\"IndexUnreadable\","
                        + "\"message\":\"index.json: unexpected end\"}]}");
                return Reply.json("{}");
            }
            if (r.path().equals(path + "/mine")) {
                return Reply.json("{\"metadata\":{\"name\":\"mine\"},\"status\":" + status.get() + "}");
            }
            if (r.path().equals(path)) {
                return Reply.json("{\"items\":[{\"metadata\":{\"name\":\"mine\"},\"spec\":{\"url\":\"file:///x\"},\"status\":" + status.get() + "}]}");
            }
            return null;
        })) {
            loggedIn(platform);
            Run add = run(new RepoCommand(), "add", "mine", repo.toString(), "--interval", "10m");
            assertThat(add.code()).as(add.err()).isZero();
            assertThat(add.out()).contains("mine synced at").contains("2 extension(s)");
            JsonNode created = JSON.readTree(platform.requests("POST", "/apis").get(0).body());
            assertThat(created.path("spec").path("url").asText()).isEqualTo("file://" + repo.toAbsolutePath().toUri().getRawPath().replaceAll("/$", ""));
            assertThat(created.path("spec").path("url").asText()).contains("my%20repo");
            assertThat(created.path("spec").path("updateStrategy").path("registryPoll").path("interval").asText()).isEqualTo("10m");

            Run sync = run(new RepoCommand(), "sync", "mine");
            assertThat(sync.code()).isEqualTo(1);
            assertThat(sync.err()).contains("repository mine did not sync: IndexUnreadable: index.json: unexpected end");
            JsonNode patch = JSON.readTree(platform.requests("PATCH", "/apis").get(0).body());
            assertThat(Instant.parse(patch.path("metadata").path("annotations").path("kubesphere.io/sync-requested-at").asText()))
                    .isBeforeOrEqualTo(Instant.now());

            Run list = run(new RepoCommand(), "list");
            assertThat(list.out()).containsPattern("mine\\s+file:///x\\s+-\\s+False").contains("index.json: unexpected end");

            Run missing = run(new RepoCommand(), "add", "other", tmp.resolve("absent").toString());
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.err()).contains("does not exist");
        }
    }
}
