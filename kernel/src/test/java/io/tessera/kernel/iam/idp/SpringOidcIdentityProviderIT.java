package io.tessera.kernel.iam.idp;

import static io.tessera.kernel.iam.IamHttp.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.iam.api.IamTypes;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OIDC login against a maintained third-party OpenID provider, Spring Authorization Server (Spring
 * Security 7.1), started by the test: the browser part (authorize, form login, redirect with the
 * code) is played by an HTTP client with cookies; the kernel then completes the login at
 * {@code /oauth/callback/spring} (code exchange, discovery, ID-token verification, userinfo).
 */
class SpringOidcIdentityProviderIT {

    @TempDir
    static Path dataDir;
    static Kernel kernel;
    static SpringAuthorizationServer as;
    static IamHttp http;
    static String callback;
    static String githubCallback;

    @BeforeAll
    static void start() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        http = new IamHttp(kernel.baseUri());
        callback = "http://127.0.0.1:" + kernel.baseUri().getPort() + "/oauth/callback/spring";
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        githubCallback = "http://127.0.0.1:" + kernel.baseUri().getPort() + "/oauth/callback/github";
        as = SpringAuthorizationServer.start(port, java.util.List.of(callback, githubCallback));
        String yaml = "name: spring\ntype: OIDCIdentityProvider\nmappingMethod: auto\nprovider:\n  issuer: " + as.issuer()
                + "\n  clientID: " + SpringAuthorizationServer.CLIENT_ID + "\n  clientSecret: " + SpringAuthorizationServer.CLIENT_SECRET
                + "\n  redirectURL: " + callback + "\n  scopes: [openid, profile, email]\n  getUserInfo: true\n"
                + "  preferredUsernameKey: sub\n";
        String github = "name: github\ntype: GitHubIdentityProvider\nmappingMethod: auto\nprovider:\n  clientID: "
                + SpringAuthorizationServer.CLIENT_ID + "\n  clientSecret: " + SpringAuthorizationServer.CLIENT_SECRET
                + "\n  redirectURL: " + githubCallback + "\n  endpoint:\n    authURL: " + as.issuer() + "/oauth2/authorize"
                + "\n    tokenURL: " + as.issuer() + "/oauth2/token\n    userInfoURL: " + as.issuer() + "/userinfo\n";
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                    .withName("identityprovider-github").withNamespace(IamTypes.SYSTEM_NAMESPACE)
                    .withLabels(Map.of("config.kubesphere.io/type", "identityprovider")).endMetadata()
                    .withType("config.kubesphere.io/identityprovider")
                    .withData(Map.of("configuration.yaml", Base64.getEncoder().encodeToString(github.getBytes()))).build()).create();
            client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                    .withName("identityprovider-spring").withNamespace(IamTypes.SYSTEM_NAMESPACE)
                    .withLabels(Map.of("config.kubesphere.io/type", "identityprovider")).endMetadata()
                    .withType("config.kubesphere.io/identityprovider")
                    .withData(Map.of("configuration.yaml", Base64.getEncoder().encodeToString(yaml.getBytes()))).build()).create();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> tree(http.get("/kapis/config.kubesphere.io/v1alpha2/configs/oauth", null))
                .path("identityProviders").size() == 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
        if (as != null) {
            as.close();
        }
    }

    /** The browser at the provider: authorize, sign in with the form, follow redirects to the callback. */
    static String browserLogin(String user, String password) throws Exception {
        return browserLogin(user, password, callback, "spring");
    }

    static String browserLogin(String user, String password, String callback, String state) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        URI authorize = URI.create(as.issuer() + "/oauth2/authorize?response_type=code&client_id=" + SpringAuthorizationServer.CLIENT_ID
                + "&scope=openid%20profile%20email&state=" + state + "&redirect_uri=" + URLEncoder.encode(callback, StandardCharsets.UTF_8));
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).as("the provider sends an anonymous browser to its login page").endsWith("/login");
        URI login = authorize.resolve(location);
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(login).build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).as(page.body()).isTrue();
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        r = browser.send(HttpRequest.newBuilder(login).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        for (int hops = 0; hops < 5 && r.statusCode() == 302; hops++) {
            URI next = login.resolve(r.headers().firstValue("Location").orElseThrow());
            if (next.toString().startsWith(callback)) {
                return next.toString().substring(callback.length());
            }
            r = browser.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
        }
        throw new AssertionError("no redirect to the callback: " + r.statusCode() + " " + r.body());
    }

    @Test
    void aSpringAuthorizationServerUserLogsInAndIsMapped() throws Exception {
        String query = browserLogin(SpringAuthorizationServer.USER, SpringAuthorizationServer.PASSWORD);
        assertThat(query).startsWith("?code=").contains("state=spring");
        HttpResponse<String> r = http.get("/oauth/callback/spring" + query, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String token = "Bearer " + tree(r).path("access_token").asText();
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/sam", token).statusCode()).isEqualTo(200);
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            GenericKubernetesResource user = client.genericKubernetesResources(IamTypes.USERS).withName("sam").get();
            assertThat(IamTypes.annotation(user, "iam.kubesphere.io/identity-provider.spring")).isEqualTo("sam");
        }
        // Spring revokes a code once used: the replay is refused by the provider, so by the kernel
        assertThat(http.get("/oauth/callback/spring" + query, null).statusCode()).isEqualTo(401);
        String code = URLDecoder.decode(query.replaceAll(".*code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
        assertThat(code).isNotEmpty();
    }

    @Test
    void gitHubStyleLoginUsesTheUserEndpointsLogin() throws Exception {
        String query = browserLogin(SpringAuthorizationServer.USER, SpringAuthorizationServer.PASSWORD, githubCallback, "github");
        HttpResponse<String> r = http.get("/oauth/callback/github" + query, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            GenericKubernetesResource user = client.genericKubernetesResources(IamTypes.USERS).withName("sam").get();
            assertThat(IamTypes.annotation(user, "iam.kubesphere.io/identity-provider.github")).isEqualTo("sam");
            assertThat(IamTypes.str(user, "spec", "email")).isEqualTo("sam@spring.example");
        }
        assertThat(http.get("/oauth/callback/github?code=forged", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aForgedCodeIsRefused() throws Exception {
        assertThat(http.get("/oauth/callback/spring?code=forged&state=spring", null).statusCode()).isEqualTo(401);
    }
}
