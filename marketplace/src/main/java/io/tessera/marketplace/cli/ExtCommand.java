package io.tessera.marketplace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tessera.kernel.cli.TesseraCommand;
import io.tessera.marketplace.client.InstallPlanWatch;
import io.tessera.marketplace.client.PlatformClient;
import io.tessera.marketplace.client.PlatformException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera ext …}: the catalog (search, info, list) through the platform's catalog API, and
 * install/upgrade/uninstall through InstallPlans, waiting for the plan's end state; plus the
 * developer's {@code new} and {@code package}.
 */
@Command(name = "ext", mixinStandardHelpOptions = true, description = "Find, install, upgrade and uninstall extensions; create your own.",
        subcommands = {ExtCommand.Search.class, ExtCommand.Info.class, ExtCommand.ListInstalled.class, ExtCommand.Install.class,
            ExtCommand.Upgrade.class, ExtCommand.Uninstall.class, NewExtensionCommand.class, PackageExtensionCommand.class})
public final class ExtCommand implements Callable<Integer>, TesseraCommand {

    static final String CATALOG = "/kapis/package.kubesphere.io/v1alpha1";
    static final Duration POLL = Duration.ofMillis(500);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    /** Rows of the catalog list: name, versions, state and what it is. */
    static void printCatalog(OutputOption output, JsonNode page) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : page.path("items")) {
            JsonNode st = e.path("status");
            rows.add(List.of(e.path("metadata").path("name").asText(), st.path("recommendedVersion").asText(""),
                    st.path("installedVersion").asText(""), st.path("state").asText(""),
                    e.path("metadata").path("labels").path("kubesphere.io/category").asText(""),
                    Output.shorten(Output.text(e.path("spec").path("description")), 60)));
        }
        output.print(page, List.of("NAME", "LATEST", "INSTALLED", "STATE", "CATEGORY", "DESCRIPTION"), rows);
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "Search the catalog by name, description or keyword.")
    static final class Search implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "Words to look for (all extensions when omitted).")
        String text;

        @Option(names = "--category", description = "Only this category (e.g. dev-tools).")
        String category;

        @Option(names = "--installed", description = "Only installed extensions.")
        boolean installed;

        @Option(names = "--page", defaultValue = "1")
        int page;

        @Option(names = "--limit", defaultValue = "50", description = "Extensions per page (default ${DEFAULT-VALUE}).")
        int limit;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws Exception {
            StringBuilder query = new StringBuilder("?page=" + page + "&limit=" + limit);
            if (text != null && !text.isBlank()) {
                query.append("&q=").append(PlatformClient.encode(text));
            }
            if (category != null) {
                query.append("&category=").append(PlatformClient.encode(category));
            }
            if (installed) {
                query.append("&installed=true");
            }
            JsonNode result = Connect.client().get(CATALOG + "/extensions" + query);
            printCatalog(output, result);
            footer(spec, result, page, limit);
            return 0;
        }
    }

    /** "showing 50 of 120" on stderr when a page does not hold everything, so pipes stay clean. */
    static void footer(CommandSpec spec, JsonNode result, int page, int limit) {
        int total = result.path("totalItems").asInt(0);
        int shown = result.path("items").size();
        if (total > shown) {
            Output.complain(spec, "(%d of %d shown; more with --page %d)", shown, total, page + 1);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Installed extensions.")
    static final class ListInstalled implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws Exception {
            JsonNode result = Connect.client().get(CATALOG + "/extensions?installed=true&page=1&limit=500");
            printCatalog(output, result);
            footer(spec, result, 1, 500);
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "An extension's versions, requested permissions, dependencies and readme.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--version", description = "Describe this version (default: the recommended one).")
        String version;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws Exception {
            PlatformClient client = Connect.client();
            JsonNode details = details(client, name);
            PrintWriter out = spec.commandLine().getOut();
            if (!output.table()) {
                output.print(details, List.of(), List.of());
                return 0;
            }
            JsonNode ext = details.path("extension");
            JsonNode versions = details.path("versions");
            JsonNode chosen = chooseVersion(ext, versions, version);
            JsonNode vs = chosen.path("spec");
            JsonNode st = ext.path("status");
            List<String> all = new ArrayList<>();
            versions.forEach(v -> all.add(v.path("spec").path("version").asText()));
            out.printf("Name:          %s%n", name);
            out.printf("Display name:  %s%n", Output.text(vs.path("displayName")));
            out.printf("Description:   %s%n", Output.text(vs.path("description")));
            String provider = vs.path("provider").path("en").path("name").asText("");
            if (!provider.isEmpty()) {
                out.printf("Provider:      %s%n", provider);
            }
            out.printf("Category:      %s%n", or(vs.path("category").asText(""),
                    chosen.path("metadata").path("labels").path("kubesphere.io/category").asText("-")));
            out.printf("Repository:    %s%n", or(chosen.path("metadata").path("labels").path("kubesphere.io/repository-ref").asText(""), "-"));
            String installed = st.path("installedVersion").asText("");
            out.printf("Installed:     %s%n", installed.isEmpty() ? "no" : installed + " (" + st.path("state").asText("") + ")");
            out.printf("Versions:      %s%n", String.join(", ", all));
            out.printf("%nVersion %s%n", vs.path("version").asText());
            out.printf("  Kernel:       %s%n", or(vs.path("kernelVersion").asText(""), "any"));
            out.printf("  Keywords:     %s%n", join(vs.path("keywords")));
            out.printf("  Digest:       %s%n", or(vs.path("digest").asText(""), "-"));
            JsonNode deps = vs.path("dependencies");
            if (deps.isObject() && !deps.isEmpty()) {
                out.println("  Dependencies:");
                deps.fields().forEachRemaining(d -> out.printf("    %s %s%n", d.getKey(), d.getValue().asText()));
            } else {
                out.println("  Dependencies: none");
            }
            JsonNode perms = vs.path("permissions");
            if (perms.isArray() && !perms.isEmpty()) {
                out.println("  Permissions (what the extension may do in the cluster):");
                for (JsonNode p : perms) {
                    out.printf("    %s %s: %s%n", or(p.path("group").asText(""), "core"), join(p.path("resources")), join(p.path("verbs")));
                }
            } else {
                out.println("  Permissions:  none");
            }
            String readme = vs.path("readme").asText("");
            if (readme.isEmpty()) {
                readme = file(client, name + "-" + vs.path("version").asText(), "README.md");
            }
            if (!readme.isEmpty()) {
                out.printf("%n%s%n", readme.strip());
            }
            out.flush();
            return 0;
        }

        private static String file(PlatformClient client, String versionName, String file) throws IOException {
            try {
                for (JsonNode f : client.get(CATALOG + "/extensionversions/" + PlatformClient.encode(versionName) + "/files")) {
                    if (file.equals(f.path("name").asText())) {
                        return new String(Base64.getDecoder().decode(f.path("data").asText("")), StandardCharsets.UTF_8);
                    }
                }
            } catch (PlatformException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
            return "";
        }
    }

    static JsonNode details(PlatformClient client, String name) throws IOException {
        try {
            return client.get(CATALOG + "/extensions/" + PlatformClient.encode(name));
        } catch (PlatformException e) {
            if (e.status() == 404) {
                throw new PlatformException(404, "extension " + name + " is not in the catalog (see 'tessera ext search'; "
                        + "'tessera repo list' shows whether the repositories synced)");
            }
            throw e;
        }
    }

    /** The named version, else the recommended one, else the newest. */
    static JsonNode chooseVersion(JsonNode ext, JsonNode versions, String wanted) throws PlatformException {
        String name = ext.path("metadata").path("name").asText();
        if (!versions.isArray() || versions.isEmpty()) {
            throw new PlatformException(404, "extension " + name + " has no versions in the catalog");
        }
        String target = wanted != null ? wanted : ext.path("status").path("recommendedVersion").asText("");
        for (JsonNode v : versions) {
            if (v.path("spec").path("version").asText().equals(target)) {
                return v;
            }
        }
        if (wanted != null) {
            List<String> known = new ArrayList<>();
            versions.forEach(v -> known.add(v.path("spec").path("version").asText()));
            throw new PlatformException(404, "extension " + name + " has no version " + wanted + " (versions: " + String.join(", ", known) + ")");
        }
        return versions.get(0);
    }

    private static String or(String s, String fallback) {
        return s == null || s.isEmpty() ? fallback : s;
    }

    private static String join(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(n -> parts.add(n.asText()));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /** Progress lines on stdout, indented under the command's first line. */
    static java.util.function.Consumer<String> progress(CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut();
        return line -> {
            out.println("  " + line);
            out.flush();
        };
    }

    /** The end of a wait: a success line, or the reason on stderr and exit 1. */
    static int finish(CommandSpec spec, InstallPlanWatch.Outcome outcome, String success, String failure, long startNanos) {
        if (outcome.success()) {
            Output.say(spec, "%s (%.1f s)", success, (System.nanoTime() - startNanos) / 1e9);
            return 0;
        }
        Output.complain(spec, "tessera: %s: %s%s", failure, outcome.state(), outcome.message().isEmpty() ? "" : ": " + outcome.message());
        return 1;
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install an extension (and let the platform resolve its dependencies); returns when it is installed or failed.")
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME[@VERSION]", description = "Default version: the recommended one.")
        String ref;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (the plan's spec.config; see the extension's configSchema).")
        Path config;

        @Option(names = "--timeout", defaultValue = "5m", converter = Durations.class, description = "How long to wait (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            int at = ref.indexOf('@');
            String name = at < 0 ? ref : ref.substring(0, at);
            String wanted = at < 0 ? null : ref.substring(at + 1);
            String configText = null;
            if (config != null) {
                configText = Files.readString(config);
                try {
                    YAML.readTree(configText);
                } catch (IOException e) {
                    throw new UserError("--config " + config + " is not YAML: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
            PlatformClient client = Connect.client();
            JsonNode details = details(client, name);
            String version = chooseVersion(details.path("extension"), details.path("versions"), wanted).path("spec").path("version").asText();
            JsonNode existing = InstallPlanWatch.find(client, name);
            if (existing != null) {
                JsonNode st = existing.path("status");
                if ("Installed".equals(st.path("state").asText()) && version.equals(st.path("version").asText())) {
                    Output.say(spec, "%s %s is already installed", name, version);
                    return 0;
                }
                throw new PlatformException(409, name + " already has an InstallPlan (" + st.path("state").asText("no state") + ", version "
                        + existing.path("spec").path("extension").path("version").asText("?")
                        + "): use 'tessera ext upgrade " + name + "' or 'tessera ext uninstall " + name + "'");
            }
            Map<String, Object> specBody = new LinkedHashMap<>();
            specBody.put("enabled", true);
            specBody.put("extension", Map.of("name", name, "version", version));
            if (configText != null) {
                specBody.put("config", configText);
            }
            long start = System.nanoTime();
            Output.say(spec, "Installing %s %s…", name, version);
            client.post(InstallPlanWatch.PLANS, Map.of("apiVersion", "kubesphere.io/v1alpha1", "kind", "InstallPlan",
                    "metadata", Map.of("name", name), "spec", specBody));
            InstallPlanWatch.Outcome outcome = new InstallPlanWatch(client, timeout, POLL, progress(spec)).untilInstalled(name, version, null);
            return finish(spec, outcome, name + " " + version + " installed", "installing " + name + " " + version + " failed", start);
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true, description = "Move an installed extension to another version; returns when done or failed.")
    static final class Upgrade implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--version", description = "Default: the recommended version.")
        String version;

        @Option(names = "--timeout", defaultValue = "5m", converter = Durations.class, description = "How long to wait (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PlatformClient client = Connect.client();
            JsonNode plan = InstallPlanWatch.find(client, name);
            if (plan == null) {
                throw new PlatformException(404, name + " is not installed: use 'tessera ext install " + name + "'");
            }
            JsonNode details = details(client, name);
            String target = chooseVersion(details.path("extension"), details.path("versions"), version).path("spec").path("version").asText();
            JsonNode status = plan.path("status");
            String state = status.path("state").asText("");
            if (target.equals(plan.path("spec").path("extension").path("version").asText())) {
                if ("Installed".equals(state) && target.equals(status.path("version").asText())) {
                    Output.say(spec, "%s is already at %s", name, target);
                    return 0;
                }
                if (state.endsWith("Failed")) {
                    // the same request again changes nothing the platform would react to
                    return finish(spec, new InstallPlanWatch.Outcome(false, state, lastMessage(status)), "",
                            "upgrading " + name + " to " + target + " failed earlier", System.nanoTime());
                }
            }
            long start = System.nanoTime();
            Output.say(spec, "Upgrading %s %s → %s…", name, status.path("version").asText("?"), target);
            client.mergePatch(InstallPlanWatch.PLANS + "/" + PlatformClient.encode(name),
                    Map.of("spec", Map.of("extension", Map.of("name", name, "version", target))));
            InstallPlanWatch.Outcome outcome = new InstallPlanWatch(client, timeout, POLL, progress(spec)).untilInstalled(name, target, status);
            return finish(spec, outcome, name + " upgraded to " + target, "upgrading " + name + " to " + target + " failed", start);
        }
    }

    static String lastMessage(JsonNode status) {
        JsonNode c = status.path("conditions");
        return c.isArray() && !c.isEmpty() ? c.get(c.size() - 1).path("message").asText("") : "";
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Remove an installed extension; returns when it is gone or refused.")
    static final class Uninstall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--force", description = "Uninstall even if installed extensions depend on it.")
        boolean force;

        @Option(names = "--timeout", defaultValue = "5m", converter = Durations.class, description = "How long to wait (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PlatformClient client = Connect.client();
            String path = InstallPlanWatch.PLANS + "/" + PlatformClient.encode(name);
            JsonNode plan = InstallPlanWatch.find(client, name);
            if (plan == null) {
                throw new PlatformException(404, name + " is not installed");
            }
            JsonNode status = plan.path("status");
            boolean deleting = plan.path("metadata").hasNonNull("deletionTimestamp");
            if (deleting && !force && "UninstallFailed".equals(status.path("state").asText())) {
                // already refused; asking again changes nothing the platform would react to
                return finish(spec, new InstallPlanWatch.Outcome(false, "UninstallFailed", lastMessage(status)), "",
                        "uninstalling " + name + " failed", System.nanoTime());
            }
            long start = System.nanoTime();
            Output.say(spec, "Uninstalling %s%s…", name, force ? " (forced)" : "");
            if (force) {
                client.mergePatch(path, Map.of("metadata", Map.of("annotations", Map.of("kubesphere.io/force-delete", "true"))));
            }
            if (!deleting) {
                try {
                    client.delete(path);
                } catch (PlatformException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
            }
            InstallPlanWatch.Outcome outcome = new InstallPlanWatch(client, timeout, POLL, progress(spec)).untilUninstalled(name, status);
            return finish(spec, outcome, name + " uninstalled", "uninstalling " + name + " failed", start);
        }
    }
}
