package io.tessera.kernel.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tessera.kernel.config.ConfigException.Problem;
import io.tessera.kernel.config.ConfigKey.Type;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link KernelConfig} from, in rising precedence: the built-in defaults, one YAML file,
 * environment variables ({@code TESSERA_SERVER_PORT}, …, and {@code KUBECONFIG}) and flags.
 *
 * <p>Every value of every layer is parsed, so a typo is refused even where a higher layer
 * overrides it; checks against the file system (does the kubeconfig exist, is the data directory
 * writable) run on the effective values only. All problems are collected and thrown together, each
 * naming the full dotted key, the source and the reason.
 *
 * <p>Relative paths in the file are relative to the file's folder (so a distribution can be
 * started from anywhere); relative paths from the environment and flags are relative to the
 * working directory. A leading {@code ~/} means the user's home in every layer.
 */
public final class ConfigLoader {

    /** The variable kubectl reads; honoured as the lowest-precedence source of {@code kubeconfig}. */
    private static final String KUBECONFIG_ENV = "KUBECONFIG";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private final Path defaultDataDir;
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private Path file;
    private boolean fileRequired;
    private Map<String, String> environment = Map.of();
    private final Map<ConfigKey, Raw> flags = new LinkedHashMap<>();
    private final List<Problem> flagProblems = new ArrayList<>();

    /**
     * @param defaultDataDir the data directory when no layer sets {@code dataDir} (the launcher
     *     chooses it: the distribution's {@code data/}, or {@code .tessera/} at the repository root)
     */
    public ConfigLoader(Path defaultDataDir) {
        this.defaultDataDir = defaultDataDir.toAbsolutePath().normalize();
    }

    /** The folder that relative paths from the environment and flags are resolved against. */
    public ConfigLoader workingDirectory(Path dir) {
        this.workingDirectory = dir.toAbsolutePath().normalize();
        return this;
    }

    /**
     * The YAML file to read.
     *
     * @param required true when the user named it ({@code --config}): then a missing file is an
     *     error; false for the distribution's default file, which may have been removed
     */
    public ConfigLoader file(Path path, boolean required) {
        this.file = path;
        this.fileRequired = required;
        return this;
    }

    public ConfigLoader environment(Map<String, String> env) {
        this.environment = Map.copyOf(env);
        return this;
    }

    /**
     * A value given on the command line.
     *
     * @param key the dotted key
     * @param value the value as typed
     * @param flag how the user wrote it, e.g. {@code --port}; used in error messages
     */
    public ConfigLoader flag(String key, String value, String flag) {
        ConfigKey k = ConfigKey.byName(key);
        if (k == null) {
            flagProblems.add(new Problem(key, flag, "unknown key; known keys: " + knownKeys()));
        } else {
            flags.put(k, new Raw(value, flag, workingDirectory));
        }
        return this;
    }

    /** Reads every layer, validates, and returns the effective configuration. */
    public KernelConfig load() throws ConfigException {
        List<Problem> problems = new ArrayList<>(flagProblems);
        Map<ConfigKey, Sourced> values = new EnumMap<>(ConfigKey.class);
        KernelConfig defaults = KernelConfig.defaults(defaultDataDir);
        for (ConfigKey key : ConfigKey.values()) {
            values.put(key, new Sourced(key.valueIn(defaults), "default"));
        }

        if (file != null) {
            readFile(problems).forEach((key, raw) -> parseInto(key, raw, values, problems));
        }
        readEnvironment(problems).forEach((key, raw) -> parseInto(key, raw, values, problems));
        flags.forEach((key, raw) -> parseInto(key, raw, values, problems));

        if (problems.isEmpty()) {
            checkEffective(values, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return assemble(values);
    }

    // ---- layers -------------------------------------------------------------------------------

    /** A value before parsing: a YAML node or a string, with where it came from. */
    private record Raw(Object value, String source, Path baseDir) {
    }

    /** A parsed value with where it came from, so effective checks can name the source. */
    private record Sourced(Object value, String source) {
    }

    private Map<ConfigKey, Raw> readFile(List<Problem> problems) {
        Map<ConfigKey, Raw> out = new LinkedHashMap<>();
        String source = file.toString();
        Path absolute = file.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(absolute);
        } catch (NoSuchFileException e) {
            if (fileRequired) {
                problems.add(new Problem("", source, "no such file"));
            }
            return out;
        } catch (AccessDeniedException e) {
            problems.add(new Problem("", source, "cannot read the file: permission denied"));
            return out;
        } catch (IOException e) {
            problems.add(new Problem("", source, "cannot read the file: " + e.getMessage()));
            return out;
        }
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            problems.add(new Problem("", source, "not valid YAML" + where(e.getLocation()) + ": " + e.getOriginalMessage()));
            return out;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out; // an empty file (or only comments) means: all defaults
        }
        if (!root.isObject()) {
            problems.add(new Problem("", source, "expected a mapping of keys (" + children("") + ")"));
            return out;
        }
        walk(root, "", source, absolute.getParent(), out, problems);
        return out;
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private void walk(JsonNode node, String prefix, String source, Path baseDir, Map<ConfigKey, Raw> out,
            List<Problem> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String dotted = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            ConfigKey key = ConfigKey.byName(dotted);
            if (key != null) {
                out.put(key, new Raw(field.getValue(), source, baseDir));
            } else if (isSection(dotted)) {
                if (field.getValue().isObject()) {
                    walk(field.getValue(), dotted, source, baseDir, out, problems);
                } else if (!field.getValue().isNull()) {
                    problems.add(new Problem(dotted, source, "expected a mapping of " + children(dotted)));
                }
            } else {
                String known = children(prefix);
                problems.add(new Problem(dotted, source, "unknown key; known keys "
                        + (prefix.isEmpty() ? "at the top level" : "under " + prefix) + ": " + known));
            }
        }
    }

    private Map<ConfigKey, Raw> readEnvironment(List<Problem> problems) {
        Map<ConfigKey, Raw> out = new LinkedHashMap<>();
        String kubeconfig = environment.get(KUBECONFIG_ENV);
        if (kubeconfig != null && !kubeconfig.isEmpty()) {
            // below TESSERA_KUBECONFIG: the Tessera-specific variable is the more deliberate choice
            out.put(ConfigKey.KUBECONFIG, new Raw(kubeconfig, KUBECONFIG_ENV, workingDirectory));
        }
        Map<String, ConfigKey> byVariable = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            byVariable.put(key.environmentVariable(), key);
        }
        Set<String> sectionPrefixes = new LinkedHashSet<>();
        for (String section : sections()) {
            if (!section.contains(".")) {
                sectionPrefixes.add(ConfigKey.ENV_PREFIX + ConfigKey.toEnvironmentName(section) + "_");
            }
        }
        for (String name : new TreeSet<>(environment.keySet())) {
            String value = environment.get(name);
            ConfigKey key = byVariable.get(name);
            if (key != null) {
                if (!value.isEmpty()) { // an empty variable is how shells unset things; treat it as absent
                    out.put(key, new Raw(value, name, workingDirectory));
                }
            } else if (sectionPrefixes.stream().anyMatch(name::startsWith)) {
                // other TESSERA_* variables (TESSERA_SERVER, TESSERA_JAVA_OPTS) belong to the CLI and the launcher
                problems.add(new Problem(name, "environment", "no such configuration variable; known: "
                        + String.join(", ", byVariable.keySet())));
            }
        }
        return out;
    }

    // ---- parsing ------------------------------------------------------------------------------

    private void parseInto(ConfigKey key, Raw raw, Map<ConfigKey, Sourced> values, List<Problem> problems) {
        int before = problems.size();
        Object parsed = parse(key, raw, problems);
        if (problems.size() == before) {
            values.put(key, new Sourced(parsed, raw.source()));
        }
    }

    private Object parse(ConfigKey key, Raw raw, List<Problem> problems) {
        if (key.type() == Type.OAUTH_CLIENTS) {
            return parseClients(key, raw, problems);
        }
        String text;
        if (raw.value() instanceof JsonNode node) {
            if (node.isNull()) {
                if (key.type().optional()) {
                    return null;
                }
                problems.add(new Problem(key.key(), raw.source(), "no value given"));
                return null;
            }
            if (!node.isValueNode()) {
                problems.add(new Problem(key.key(), raw.source(), "expected a single value, not a "
                        + (node.isArray() ? "list" : "mapping")));
                return null;
            }
            text = node.asText();
        } else {
            text = (String) raw.value();
        }
        try {
            return parseScalar(key.type(), text.trim(), raw);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(key.key(), raw.source(), e.getMessage()));
            return null;
        }
    }

    private Object parseScalar(Type type, String text, Raw raw) {
        return switch (type) {
            case HOST -> parseHost(text);
            case PORT -> parsePort(text);
            case DURATION -> parseDuration(text);
            case POSITIVE_DURATION -> {
                Duration d = parseDuration(text);
                if (d.isZero()) {
                    throw new IllegalArgumentException("'" + text + "' must be longer than zero");
                }
                yield d;
            }
            case PATH, OPTIONAL_PATH -> {
                if (text.isEmpty()) {
                    throw new IllegalArgumentException("empty path");
                }
                yield resolvePath(text, raw.baseDir());
            }
            case SECRET, OPTIONAL_SECRET -> {
                if (text.isEmpty()) {
                    throw new IllegalArgumentException("must not be empty");
                }
                yield text;
            }
            case USER_NAME -> {
                if (text.length() > 63 || !DNS_LABEL.matcher(text).matches()) {
                    throw new IllegalArgumentException("'" + text + "' is not a valid user name (lower-case letters, "
                            + "digits and '-', starting and ending with a letter or digit, at most 63 characters)");
                }
                yield text;
            }
            case CLUSTER_NAME -> {
                if (text.length() > 63 || !DNS_LABEL.matcher(text).matches()) {
                    throw new IllegalArgumentException("'" + text + "' is not a valid cluster name (lower-case letters, "
                            + "digits and '-', starting and ending with a letter or digit, at most 63 characters)");
                }
                yield text;
            }
            case POSITIVE_INT -> {
                int n;
                try {
                    n = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a whole number");
                }
                if (n < 1) {
                    throw new IllegalArgumentException("'" + text + "' must be at least 1");
                }
                yield n;
            }
            case BOOLEAN -> {
                if (text.equalsIgnoreCase("true")) {
                    yield true;
                }
                if (text.equalsIgnoreCase("false")) {
                    yield false;
                }
                throw new IllegalArgumentException("'" + text + "' is neither true nor false");
            }
            case OAUTH_CLIENTS -> throw new IllegalStateException("handled by parseClients");
            case OPTIONAL_HTTPS_URL -> parseHttpsUrl(text);
        };
    }

    /** An absolute {@code https://host[:port][/path]} URL (the API server calls webhooks over HTTPS only). */
    static java.net.URI parseHttpsUrl(String text) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' is not an https://host[:port][/path] URL (no user, query or fragment)");
        }
        return uri;
    }

    static String parseHost(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        try {
            InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is neither an IP address nor a host name known here");
        }
        return text;
    }

    static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the one message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a port number (0-65535; 0 picks a free port)");
    }

    /**
     * Go-style durations as KubeSphere writes them ({@code 500ms}, {@code 30s}, {@code 10m},
     * {@code 2h}, {@code 1h30m}, {@code 2h0m0s}), ISO-8601 ({@code PT2H}), or {@code 0}.
     */
    static Duration parseDuration(String text) {
        String hint = "'" + text + "' is not a duration (e.g. 500ms, 30s, 10m, 2h, 1h30m)";
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                Duration d = Duration.parse(text);
                if (d.isNegative()) {
                    throw new IllegalArgumentException("'" + text + "' must not be a negative duration");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(hint);
            }
        }
        Matcher m = GO_DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        try {
            while (m.find() && m.start() == at) {
                double amount = Double.parseDouble(m.group(1));
                long unitMillis = switch (m.group(2)) {
                    case "ms" -> 1L;
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    default -> 3_600_000L;
                };
                total = total.plusMillis(Math.round(amount * unitMillis));
                at = m.end();
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        if (at == 0 || at != text.length()) {
            throw new IllegalArgumentException(hint);
        }
        return total;
    }

    private Path resolvePath(String text, Path baseDir) {
        Path p;
        if (text.equals("~")) {
            p = Path.of(System.getProperty("user.home"));
        } else if (text.startsWith("~/")) {
            p = Path.of(System.getProperty("user.home"), text.substring(2));
        } else {
            p = Path.of(text);
        }
        if (!p.isAbsolute()) {
            p = baseDir.resolve(p);
        }
        return p.normalize();
    }

    private List<KernelConfig.OAuthClient> parseClients(ConfigKey key, Raw raw, List<Problem> problems) {
        List<KernelConfig.OAuthClient> clients = new ArrayList<>();
        int before = problems.size();
        if (raw.value() instanceof JsonNode node) {
            if (!node.isArray()) {
                problems.add(new Problem(key.key(), raw.source(), "expected a list of {id, secret}"));
                return null;
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                String itemKey = key.key() + "[" + i + "]";
                if (!item.isObject()) {
                    problems.add(new Problem(itemKey, raw.source(), "expected a mapping with id and secret"));
                    continue;
                }
                for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!name.equals("id") && !name.equals("secret")) {
                        problems.add(new Problem(itemKey + "." + name, raw.source(), "unknown key; known keys: id, secret"));
                    }
                }
                String id = requiredText(item, "id", itemKey, raw.source(), problems);
                String secret = requiredText(item, "secret", itemKey, raw.source(), problems);
                if (id != null && secret != null) {
                    clients.add(new KernelConfig.OAuthClient(id, secret));
                }
            }
        } else {
            String text = ((String) raw.value()).trim();
            String[] items = text.split(",");
            for (int i = 0; i < items.length; i++) {
                String item = items[i].trim();
                int colon = item.indexOf(':');
                if (colon <= 0 || colon == item.length() - 1) {
                    problems.add(new Problem(key.key() + "[" + i + "]", raw.source(),
                            "'" + item + "' is not id:secret"));
                    continue;
                }
                clients.add(new KernelConfig.OAuthClient(item.substring(0, colon), item.substring(colon + 1)));
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < clients.size(); i++) {
            if (!seen.add(clients.get(i).id())) {
                problems.add(new Problem(key.key() + "[" + i + "].id", raw.source(),
                        "'" + clients.get(i).id() + "' is listed more than once"));
            }
        }
        if (problems.size() == before && clients.isEmpty()) {
            problems.add(new Problem(key.key(), raw.source(), "at least one client is needed (the console uses one)"));
        }
        return List.copyOf(clients);
    }

    private static String requiredText(JsonNode item, String field, String itemKey, String source, List<Problem> problems) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
            problems.add(new Problem(itemKey + "." + field, source, "missing"));
            return null;
        }
        return value.asText();
    }

    // ---- checks on the effective values -------------------------------------------------------

    private void checkEffective(Map<ConfigKey, Sourced> values, List<Problem> problems) {
        Sourced kubeconfig = values.get(ConfigKey.KUBECONFIG);
        if (kubeconfig.value() != null) {
            checkKubeconfig((Path) kubeconfig.value(), kubeconfig.source(), problems);
        }
        Sourced dataDir = values.get(ConfigKey.DATA_DIR);
        checkDataDir((Path) dataDir.value(), dataDir.source(), problems);

        checkLeaderElection(values, problems);
        checkQuotaWebhook(values, problems);

        checkHttps(values, problems);
    }

    private static void checkHttps(Map<ConfigKey, Sourced> values, List<Problem> problems) {
        Sourced keystore = values.get(ConfigKey.SERVER_HTTPS_KEYSTORE);
        Sourced certificate = values.get(ConfigKey.SERVER_HTTPS_CERTIFICATE);
        Sourced key = values.get(ConfigKey.SERVER_HTTPS_KEY);
        if (keystore.value() != null) {
            checkReadable(ConfigKey.SERVER_HTTPS_KEYSTORE, keystore, problems);
            if (values.get(ConfigKey.SERVER_HTTPS_KEYSTORE_PASSWORD).value() == null) {
                problems.add(new Problem(ConfigKey.SERVER_HTTPS_KEYSTORE_PASSWORD.key(), keystore.source(),
                        "required when server.https.keystore is set"));
            }
            if (certificate.value() != null || key.value() != null) {
                Sourced pem = certificate.value() != null ? certificate : key;
                problems.add(new Problem(pem == certificate ? ConfigKey.SERVER_HTTPS_CERTIFICATE.key() : ConfigKey.SERVER_HTTPS_KEY.key(),
                        pem.source(), "set either server.https.keystore or server.https.certificate and server.https.key, not both"));
            }
        } else if (certificate.value() != null || key.value() != null) {
            if (certificate.value() == null) {
                problems.add(new Problem(ConfigKey.SERVER_HTTPS_CERTIFICATE.key(), key.source(),
                        "required when server.https.key is set"));
            } else {
                checkReadable(ConfigKey.SERVER_HTTPS_CERTIFICATE, certificate, problems);
            }
            if (key.value() == null) {
                problems.add(new Problem(ConfigKey.SERVER_HTTPS_KEY.key(), certificate.source(),
                        "required when server.https.certificate is set"));
            } else {
                checkReadable(ConfigKey.SERVER_HTTPS_KEY, key, problems);
            }
        }
        if (keystore.value() != null || certificate.value() != null) {
            int http = (Integer) values.get(ConfigKey.SERVER_PORT).value();
            Sourced https = values.get(ConfigKey.SERVER_HTTPS_PORT);
            if (http != 0 && http == (Integer) https.value()) {
                problems.add(new Problem(ConfigKey.SERVER_HTTPS_PORT.key(), https.source(),
                        "same port as server.port (" + http + ")"));
            }
        }
    }

    private static void checkReadable(ConfigKey key, Sourced file, List<Problem> problems) {
        Path path = (Path) file.value();
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            problems.add(new Problem(key.key(), file.source(), "cannot read " + path + (Files.exists(path) ? "" : ": no such file")));
        }
    }

    private static void checkLeaderElection(Map<ConfigKey, Sourced> values, List<Problem> problems) {
        Sourced lease = values.get(ConfigKey.LEADER_ELECTION_LEASE_DURATION);
        Sourced renew = values.get(ConfigKey.LEADER_ELECTION_RENEW_DEADLINE);
        Sourced retry = values.get(ConfigKey.LEADER_ELECTION_RETRY_PERIOD);
        if (((Duration) renew.value()).compareTo((Duration) lease.value()) >= 0) {
            problems.add(new Problem(ConfigKey.LEADER_ELECTION_RENEW_DEADLINE.key(), renew.source(), "must be shorter than "
                    + ConfigKey.LEADER_ELECTION_LEASE_DURATION.key() + " (" + ConfigKey.format(lease.value()) + ")"));
        }
        if (((Duration) retry.value()).compareTo((Duration) renew.value()) >= 0) {
            problems.add(new Problem(ConfigKey.LEADER_ELECTION_RETRY_PERIOD.key(), retry.source(), "must be shorter than "
                    + ConfigKey.LEADER_ELECTION_RENEW_DEADLINE.key() + " (" + ConfigKey.format(renew.value()) + ")"));
        }
    }

    private static void checkQuotaWebhook(Map<ConfigKey, Sourced> values, List<Problem> problems) {
        Sourced ca = values.get(ConfigKey.QUOTA_WEBHOOK_CA_FILE);
        if (ca.value() == null) {
            return;
        }
        if (values.get(ConfigKey.QUOTA_WEBHOOK_URL).value() == null) {
            problems.add(new Problem(ConfigKey.QUOTA_WEBHOOK_CA_FILE.key(), ca.source(),
                    "set without " + ConfigKey.QUOTA_WEBHOOK_URL.key() + " (no webhook would use it)"));
        }
        checkReadable(ConfigKey.QUOTA_WEBHOOK_CA_FILE, ca, problems);
    }

    private static void checkKubeconfig(Path path, String source, List<Problem> problems) {
        String key = ConfigKey.KUBECONFIG.key();
        if (source.equals(KUBECONFIG_ENV) && path.toString().contains(java.io.File.pathSeparator)) {
            problems.add(new Problem(key, source, "lists several files; Tessera reads one: pass --kubeconfig FILE"));
            return;
        }
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            problems.add(new Problem(key, source, "cannot read " + path + ": no such file"));
            return;
        } catch (AccessDeniedException e) {
            problems.add(new Problem(key, source, "cannot read " + path + ": permission denied"));
            return;
        } catch (IOException e) {
            problems.add(new Problem(key, source, "cannot read " + path + ": " + e.getMessage()));
            return;
        }
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(text);
            JsonNode clusters = root == null ? null : root.get("clusters");
            if (clusters == null || !clusters.isArray() || clusters.isEmpty()) {
                problems.add(new Problem(key, source, path + " is not a kubeconfig (it names no clusters)"));
            }
        } catch (JsonProcessingException e) {
            problems.add(new Problem(key, source, path + " is not a kubeconfig (not valid YAML"
                    + where(e.getLocation()) + ")"));
        }
    }

    private static void checkDataDir(Path dir, String source, List<Problem> problems) {
        String key = ConfigKey.DATA_DIR.key();
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                problems.add(new Problem(key, source, dir + " exists and is not a directory"));
            } else if (!Files.isWritable(dir)) {
                problems.add(new Problem(key, source, dir + " is not writable"));
            }
            return;
        }
        Path ancestor = dir.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
            problems.add(new Problem(key, source, "cannot create " + dir
                    + (ancestor == null ? "" : ": " + ancestor + " is not a writable directory")));
        }
    }

    // ---- assembly -----------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static KernelConfig assemble(Map<ConfigKey, Sourced> v) {
        KernelConfig.Https https = new KernelConfig.Https(
                (Integer) v.get(ConfigKey.SERVER_HTTPS_PORT).value(),
                (Path) v.get(ConfigKey.SERVER_HTTPS_KEYSTORE).value(),
                (String) v.get(ConfigKey.SERVER_HTTPS_KEYSTORE_PASSWORD).value(),
                (Path) v.get(ConfigKey.SERVER_HTTPS_CERTIFICATE).value(),
                (Path) v.get(ConfigKey.SERVER_HTTPS_KEY).value());
        KernelConfig.Server server = new KernelConfig.Server(
                (String) v.get(ConfigKey.SERVER_ADDRESS).value(),
                (Integer) v.get(ConfigKey.SERVER_PORT).value(),
                https,
                (Duration) v.get(ConfigKey.SERVER_SHUTDOWN_GRACE).value());
        KernelConfig.EmbeddedCluster embedded = new KernelConfig.EmbeddedCluster(
                (String) v.get(ConfigKey.EMBEDDED_CLUSTER_ADDRESS).value(),
                (Integer) v.get(ConfigKey.EMBEDDED_CLUSTER_PORT).value());
        KernelConfig.Iam iam = new KernelConfig.Iam(
                (String) v.get(ConfigKey.IAM_ADMIN_USERNAME).value(),
                (String) v.get(ConfigKey.IAM_ADMIN_PASSWORD).value(),
                (List<KernelConfig.OAuthClient>) v.get(ConfigKey.IAM_OAUTH_CLIENTS).value(),
                (Duration) v.get(ConfigKey.IAM_ACCESS_TOKEN_MAX_AGE).value(),
                (Duration) v.get(ConfigKey.IAM_ACCESS_TOKEN_INACTIVITY_TIMEOUT).value(),
                (Integer) v.get(ConfigKey.IAM_LOGIN_FAILURE_LIMIT).value(),
                (Duration) v.get(ConfigKey.IAM_LOGIN_FAILURE_WINDOW).value());
        return new KernelConfig(server,
                (Path) v.get(ConfigKey.DATA_DIR).value(),
                (Path) v.get(ConfigKey.KUBECONFIG).value(),
                embedded, iam,
                (Boolean) v.get(ConfigKey.DEBUG).value(),
                (String) v.get(ConfigKey.MULTICLUSTER_HOST_CLUSTER_NAME).value(),
                new KernelConfig.Extensions(v.get(ConfigKey.EXTENSIONS_REPOSITORY_DIR).value() == null
                        ? KernelConfig.Extensions.defaults().repositoryDir() : (Path) v.get(ConfigKey.EXTENSIONS_REPOSITORY_DIR).value(),
                        (Path) v.get(ConfigKey.EXTENSIONS_TRUSTED_KEYS_DIR).value(),
                        (Duration) v.get(ConfigKey.EXTENSIONS_REPOSITORY_SYNC_INTERVAL).value()),
                new KernelConfig.LeaderElection(
                        (Duration) v.get(ConfigKey.LEADER_ELECTION_LEASE_DURATION).value(),
                        (Duration) v.get(ConfigKey.LEADER_ELECTION_RENEW_DEADLINE).value(),
                        (Duration) v.get(ConfigKey.LEADER_ELECTION_RETRY_PERIOD).value()),
                new KernelConfig.QuotaWebhook(
                        (java.net.URI) v.get(ConfigKey.QUOTA_WEBHOOK_URL).value(),
                        (Path) v.get(ConfigKey.QUOTA_WEBHOOK_CA_FILE).value()));
    }

    // ---- the key tree -------------------------------------------------------------------------

    /** Sections are the dotted prefixes of keys: {@code server}, {@code server.https}, {@code iam}, …. */
    private static Set<String> sections() {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            String name = key.key();
            for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
                out.add(name.substring(0, dot));
            }
        }
        return out;
    }

    private static boolean isSection(String dotted) {
        return sections().contains(dotted);
    }

    /** The names directly below a section ("" for the top level), for error messages. */
    private static String children(String section) {
        Set<String> out = new LinkedHashSet<>();
        String prefix = section.isEmpty() ? "" : section + ".";
        for (ConfigKey key : ConfigKey.values()) {
            if (key.key().startsWith(prefix)) {
                String rest = key.key().substring(prefix.length());
                int dot = rest.indexOf('.');
                out.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return String.join(", ", out);
    }

    private static String knownKeys() {
        List<String> out = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            out.add(key.key());
        }
        return String.join(", ", out);
    }
}
