package io.tessera.marketplace.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's sessions, one per server, in {@code session.json} of the user's configuration
 * directory ({@code -Dtessera.configDir}, else {@code $XDG_CONFIG_HOME/tessera}, else
 * {@code ~/.config/tessera}) — never in a data directory, which belongs to a server and may be
 * shared. The file holds bearer tokens, so it is written owner-only (0600, directory 0700), and
 * replaced atomically so a crash never leaves half a file.
 */
public final class SessionStore {

    public static final String FILE = "session.json";
    static final String CONFIG_DIR_PROPERTY = "tessera.configDir";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Content(String current, Map<String, Session> servers) {
    }

    private final Path file;

    public SessionStore(Path file) {
        this.file = file;
    }

    /** The store in the user's configuration directory. */
    public static SessionStore forUser() {
        return new SessionStore(configDir().resolve(FILE));
    }

    static Path configDir() {
        String explicit = System.getProperty(CONFIG_DIR_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "tessera");
        }
        return Path.of(System.getProperty("user.home"), ".config", "tessera");
    }

    public Path file() {
        return file;
    }

    /** The session for {@code server}, or for the server of the last login when null. */
    public Optional<Session> find(String server) throws IOException {
        Content c = read();
        String key = server == null ? c.current() : normalize(server);
        return key == null ? Optional.empty() : Optional.ofNullable(c.servers().get(key));
    }

    /** Stores the session and makes its server the current one. */
    public void save(Session session) throws IOException {
        Content c = read();
        Map<String, Session> servers = new LinkedHashMap<>(c.servers());
        servers.put(session.server(), session);
        write(new Content(session.server(), servers));
    }

    /** Replaces a session's tokens without changing which server is current. */
    public void update(Session session) throws IOException {
        Content c = read();
        Map<String, Session> servers = new LinkedHashMap<>(c.servers());
        servers.put(session.server(), session);
        write(new Content(c.current(), servers));
    }

    /** Forgets the session of {@code server}; returns whether there was one. */
    public boolean remove(String server) throws IOException {
        Content c = read();
        Map<String, Session> servers = new LinkedHashMap<>(c.servers());
        if (servers.remove(server) == null) {
            return false;
        }
        String current = server.equals(c.current()) ? servers.keySet().stream().findFirst().orElse(null) : c.current();
        if (servers.isEmpty()) {
            Files.deleteIfExists(file);
        } else {
            write(new Content(current, servers));
        }
        return true;
    }

    /** A server URL without trailing slashes, so that one server has one session. */
    public static String normalize(String server) {
        return server.strip().replaceAll("/+$", "");
    }

    private Content read() throws IOException {
        if (!Files.exists(file)) {
            return new Content(null, Map.of());
        }
        try {
            Content c = JSON.readValue(file.toFile(), Content.class);
            return new Content(c.current(), c.servers() == null ? Map.of() : c.servers());
        } catch (IOException e) {
            throw new IOException(file + " is not a Tessera session file (" + e.getMessage().lines().findFirst().orElse("")
                    + "); remove it and log in again", e);
        }
    }

    private void write(Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            setPermissions(dir, "rwx------");
        }
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        try {
            setPermissions(tmp, "rw-------");
            Files.write(tmp, JSON.writeValueAsBytes(content));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void setPermissions(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // the user's own profile directory protects it
        }
    }
}
