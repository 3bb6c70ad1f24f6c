package io.tessera.kernel.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /version} in KubeSphere's shape. Go-specific fields keep their names so existing clients
 * parse them: {@code goVersion} carries the Java version (also as {@code javaVersion}).
 * {@code kubernetes} is what the cluster's own {@code /version} answered, or absent when it did
 * not answer one.
 */
public final class VersionEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BuildInfo build;
    private final Supplier<Map<String, Object>> kubernetesVersion;

    public VersionEndpoint(BuildInfo build, Supplier<Map<String, Object>> kubernetesVersion) {
        this.build = build;
        this.kubernetesVersion = kubernetesVersion;
    }

    public Map<String, Object> body() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("gitVersion", build.gitVersion());
        String[] numbers = build.version().split("[.-]");
        v.put("gitMajor", numbers.length > 0 ? numbers[0] : "");
        v.put("gitMinor", numbers.length > 1 ? numbers[1] : "");
        v.put("gitCommit", build.gitCommit());
        v.put("gitTreeState", build.gitTreeState());
        v.put("buildDate", build.buildDate());
        String java = System.getProperty("java.version");
        v.put("goVersion", java);
        v.put("javaVersion", java);
        v.put("compiler", "javac");
        v.put("platform", platform());
        Map<String, Object> kube = kubernetesVersion.get();
        if (kube != null) {
            v.put("kubernetes", kube);
        }
        return v;
    }

    public void write(Response response, Callback callback) throws IOException {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body())), callback);
    }

    /** Go's GOOS/GOARCH spelling, as Kubernetes clients expect it. */
    static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            os = "darwin";
        } else if (os.startsWith("windows")) {
            os = "windows";
        }
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        arch = switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return os + "/" + arch;
    }
}
